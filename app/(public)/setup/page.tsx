import type { Metadata } from "next";
import { SetupForm } from "@/components/auth/setup-form";

export const metadata: Metadata = { title: "Create the admin account", referrer: "no-referrer" };

// Opened from the one-time link the server printed in its log (#dvs_… in
// the fragment, never sent to the server by the browser).
export default function SetupPage() {
  return <SetupForm />;
}
