// POST /api/dashboard/sign-up — public (same-origin only). Creates an
// account; the first one becomes the instance admin. The form then signs
// in through next-auth.
import { dashboardRoute } from "@/lib/dashboard/route";
import { signUpSchema } from "@/lib/dashboard/schemas";
import { createAccount } from "@/lib/auth/users";
import { clientIp, takeSignInAttempt } from "@/lib/auth/rate-limit";
import { VaultError } from "@/lib/vault/errors";

export const POST = dashboardRoute({ auth: "none", body: signUpSchema }, async ({ req, body }) => {
  const wait = takeSignInAttempt(`sign-up:${body.email}`, clientIp(req.headers));
  if (wait > 0) throw new VaultError("RATE_LIMITED", "Too many attempts. Try again later.", undefined, wait);
  const account = await createAccount(body);
  return { account: { id: account.id, email: account.email, name: account.name, isAdmin: account.isAdmin } };
});
