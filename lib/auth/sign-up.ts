// Open sign-up, when an admin allows it (off by default; optionally only
// some email domains). The answer is the same whether the email already has
// an account or not: the password is hashed and the insert tried either
// way, and a taken email changes nothing. Open sign-up never makes an
// admin: the first admin comes from the CLI or the setup link.
import "server-only";
import { getDb } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import { getInstanceSettings, signUpRefusal } from "./instance-settings";
import { hashPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { takeFormAttempt } from "./rate-limit";
import { createAccountInTx } from "./users";

export const SIGN_UP_ANSWER = {
  status: "accepted",
  message: "If this email can be used, its account is ready: sign in with it.",
} as const;

export async function signUp(input: { email: string; password: string; name?: string }, address: string): Promise<typeof SIGN_UP_ANSWER> {
  const wait = takeFormAttempt("sign-up", address);
  if (wait > 0) throw new VaultError("RATE_LIMITED", "Too many attempts. Try again later.", undefined, wait);
  const refusal = signUpRefusal(await getInstanceSettings(), input.email);
  if (refusal) throw new VaultError("FORBIDDEN", refusal);
  await assertPasswordAllowed(input.password, { email: input.email });
  const passwordHash = await hashPassword(input.password);
  try {
    await getDb().$transaction((tx) =>
      createAccountInTx(tx, { email: input.email, name: input.name, passwordHash }, { via: "sign-up", address }),
    );
  } catch (error) {
    // A taken email: the same answer as a new one (no enumeration).
    if (!(error instanceof VaultError && error.code === "CONFLICT")) throw error;
  }
  return SIGN_UP_ANSWER;
}
