import type { Metadata } from "next";
import { AcceptInvitation } from "@/components/invitations/accept-invitation";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

// The token is in the URL's fragment (#dvi_…): the browser never sends it
// here; the page reads it and asks the server about it.
export default async function InvitePage() {
  const user = await getSessionUser();
  return <AcceptInvitation signedInAs={user?.email ?? null} />;
}
