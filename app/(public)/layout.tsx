import { AuthFrame } from "@/components/auth/auth-frame";

// Invitation and setup links: open to anyone holding one, signed in or not.
export const dynamic = "force-dynamic";

export default function PublicLayout({ children }: { children: React.ReactNode }) {
  return <AuthFrame>{children}</AuthFrame>;
}
