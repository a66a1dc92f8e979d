import { redirect } from "next/navigation";
import { AuthFrame } from "@/components/auth/auth-frame";
import { getSessionUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AuthLayout({ children }: { children: React.ReactNode }) {
  if (await getSessionUser()) redirect("/projects");
  return <AuthFrame>{children}</AuthFrame>;
}
