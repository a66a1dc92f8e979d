import type { Metadata } from "next";
import { NotFoundContent } from "@/components/layout/not-found-content";
import { sessionUser } from "@/lib/dashboard/server-data";

export const metadata: Metadata = { title: "Page not found" };

export default async function NotFound() {
  return (
    <main className="flex min-h-screen items-center justify-center">
      <NotFoundContent signedIn={Boolean(await sessionUser())} />
    </main>
  );
}
