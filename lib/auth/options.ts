// next-auth v4 configuration: email + password (credentials) with JWT
// sessions, plus GitHub when GITHUB_ID and GITHUB_SECRET are set. Built on
// first use, not at import, so `next build` never needs the secret.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { emailSchema } from "@/lib/dashboard/schemas";
import { log } from "@/lib/log";
import { clearSignInAttempts, clientIp, takeSignInAttempt } from "./rate-limit";
import { getAuthSecret } from "./secret";
import { findOrLinkGithubAccount, verifyCredentials } from "./users";

/** Error codes the sign-in form understands (next-auth passes a thrown message through as `error`). */
export const SIGN_IN_ERRORS = { rateLimited: "RATE_LIMITED", github: "GITHUB_EMAIL_UNVERIFIED" } as const;

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export function githubEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.GITHUB_ID && env.GITHUB_SECRET);
}

async function githubVerifiedEmail(accessToken: string | undefined): Promise<string | null> {
  if (!accessToken) return null;
  const res = await fetch("https://api.github.com/user/emails", {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/vnd.github+json" },
  });
  if (!res.ok) return null;
  const emails = (await res.json()) as { email: string; primary: boolean; verified: boolean }[];
  const verified = emails.filter((e) => e.verified);
  return (verified.find((e) => e.primary) ?? verified[0])?.email ?? null;
}

function buildOptions(): NextAuthOptions {
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = emailSchema.safeParse(credentials?.email ?? "");
        const password = credentials?.password ?? "";
        if (!email.success || password.length === 0 || password.length > 200) return null;
        const wait = takeSignInAttempt(email.data, clientIp(req?.headers));
        if (wait > 0) {
          log.warn("sign-in rate limited", { retryAfterSeconds: wait });
          throw new Error(SIGN_IN_ERRORS.rateLimited);
        }
        const account = await verifyCredentials(email.data, password);
        if (!account) return null;
        clearSignInAttempts(email.data);
        return { id: account.id, email: account.email, name: account.name };
      },
    }),
  ];
  if (githubEnabled()) {
    providers.push(GitHubProvider({ clientId: process.env.GITHUB_ID!, clientSecret: process.env.GITHUB_SECRET! }));
  }

  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const linked = await findOrLinkGithubAccount({
          githubId: account.providerAccountId,
          verifiedEmail: await githubVerifiedEmail(account.access_token),
          name: user.name ?? null,
        });
        if (!linked) return `/sign-in?error=${SIGN_IN_ERRORS.github}`;
        // The jwt callback below receives this same object.
        user.id = linked.id;
        return true;
      },
      async jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      async session({ session, token }) {
        if (session.user && token.sub) (session.user as { id?: string }).id = token.sub;
        return session;
      },
    },
  };
}

let cached: NextAuthOptions | undefined;
export function getAuthOptions(): NextAuthOptions {
  return (cached ??= buildOptions());
}
