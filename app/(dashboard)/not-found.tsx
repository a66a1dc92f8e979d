import type { Metadata } from "next";
import { NotFoundContent } from "@/components/layout/not-found-content";

export const metadata: Metadata = { title: "Not found" };

// Inside the dashboard's shell (a project, store or page you cannot see).
export default function DashboardNotFound() {
  return <NotFoundContent signedIn />;
}
