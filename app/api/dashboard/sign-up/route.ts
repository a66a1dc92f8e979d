// POST /api/dashboard/sign-up — public (same-origin only), rate limited per client address.
// Only when an admin opened sign-up (403 otherwise, or for an email domain not allowed).
// 202 with the same body whether or not the email already had an account.
import { dashboardRoute, json } from "@/lib/dashboard/route";
import { signUpSchema } from "@/lib/dashboard/schemas";
import { signUp } from "@/lib/auth/sign-up";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ auth: "none", body: signUpSchema }, async ({ req, body }) => json(await signUp(body, clientAddress(req)), 202));
