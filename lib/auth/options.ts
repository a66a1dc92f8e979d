// next-auth v4 configuration: email + password (credentials), plus GitHub
// when GITHUB_ID and GITHUB_SECRET are set. The cookie is a sealed JWT that
// carries only the account id and a server-side session token
// (lib/auth/sessions.ts), checked on every request. Built on first use, not
// at import, so `next build` never needs the secret.
import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { log } from "@/lib/log";
import { processSingleton } from "@/lib/singleton";
import { clientAddressFromHeaders } from "@/lib/net/client-address";
import { publicUrl, publicUrlIsHttps } from "@/lib/net/public-url";
import { safeRedirectUrl } from "./redirect";
import { getAuthSecret } from "./secret";
import { endSessionByToken, resolveSession, SESSION_POLICY, startSession, type ResolvedSession, type SessionMeta } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { githubSignIn } from "./users";

/** Error codes the sign-in form understands (next-auth passes a thrown message through as `error`). */
export const SIGN_IN_ERRORS = {
  rateLimited: "RATE_LIMITED",
  busy: "BUSY",
  disabled: "ACCOUNT_DISABLED",
  githubUnverified: "GITHUB_EMAIL_UNVERIFIED",
  githubEmailInUse: "GITHUB_EMAIL_IN_USE",
  githubLinkedElsewhere: "GITHUB_LINKED_ELSEWHERE",
  signUpClosed: "SIGN_UP_CLOSED",
} as const;

export function githubEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.GITHUB_ID && env.GITHUB_SECRET);
}

/** What the session callback returns, and so what getServerSession gives route handlers. */
export type DashboardSession = {
  user: { id: string; email: string; name: string | null; isAdmin: boolean; sessionId: string };
  expires: string;
};

type SignedInUser = User & { meta?: SessionMeta };

/** A session that was revoked, expired or belongs to a disabled account. */
class SessionEndedError extends Error {
  override name = "SessionEndedError";
}

// The jwt callback resolves the session once per request; the session
// callback, called next with the same token object, reads it from here.
const resolved = new WeakMap<object, ResolvedSession>();

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

/** Inside next-auth's route handler: the client's address and user agent. */
async function requestMeta(): Promise<{ address: string; userAgent: string | null }> {
  const { headers } = await import("next/headers");
  const h = await headers();
  return { address: clientAddressFromHeaders(h), userAgent: h.get("user-agent") };
}

/** Inside next-auth's route handler: the account signed in by the request's cookie, if any. */
async function signedInUserId(): Promise<string | null> {
  const { cookies } = await import("next/headers");
  const cookie = (await cookies()).get(sessionCookieName())?.value;
  if (!cookie) return null;
  const { decode } = await import("next-auth/jwt");
  const token = await decode({ token: cookie, secret: getAuthSecret() }).catch(() => null);
  return typeof token?.sid === "string" ? ((await resolveSession(token.sid))?.user.id ?? null) : null;
}

export function sessionCookieName(): string {
  return publicUrlIsHttps() ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/** Exported for tests; the app uses getAuthOptions(). */
export function buildAuthOptions(): NextAuthOptions {
  // next-auth builds its own URLs from NEXTAUTH_URL.
  const configured = publicUrl();
  if (configured && !process.env.NEXTAUTH_URL) process.env.NEXTAUTH_URL = configured.origin;

  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const address = clientAddressFromHeaders(req?.headers);
        const outcome = await signInWithPassword({ email: credentials?.email, password: credentials?.password, address });
        if (outcome.ok) {
          const userAgent = (req?.headers as Record<string, string | undefined> | undefined)?.["user-agent"] ?? null;
          const user: SignedInUser = { id: outcome.account.id, email: outcome.account.email, name: outcome.account.name, meta: { method: "password", address, userAgent } };
          return user;
        }
        if (outcome.reason === "rate_limited") throw new Error(SIGN_IN_ERRORS.rateLimited);
        if (outcome.reason === "busy") throw new Error(SIGN_IN_ERRORS.busy);
        if (outcome.reason === "disabled") throw new Error(SIGN_IN_ERRORS.disabled);
        return null;
      },
    }),
  ];
  if (githubEnabled()) {
    providers.push(GitHubProvider({ clientId: process.env.GITHUB_ID!, clientSecret: process.env.GITHUB_SECRET! }));
  }

  return {
    secret: getAuthSecret(),
    session: { strategy: "jwt", maxAge: SESSION_POLICY.absoluteMs / 1000 },
    useSecureCookies: publicUrlIsHttps(),
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    logger: {
      // next-auth's default logger prints whole error objects; these lines
      // carry only its code, never a token or a cookie.
      error(code, metadata) {
        const error = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (error instanceof SessionEndedError) return;
        log.warn("next-auth error", { code, kind: (error as Error)?.name ?? null });
      },
      // A warning is about the configuration (e.g. NEXTAUTH_URL unset, which the start-up
      // line about PUBLIC_URL already says): once per process, not on every sign-in.
      warn(code) {
        const seen = processSingleton("nextAuthWarnings", () => new Set<string>());
        if (seen.has(code)) return;
        seen.add(code);
        log.warn("next-auth warning", { code });
      },
      debug() {},
    },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const context = await requestMeta();
        const result = await githubSignIn({
          githubId: account.providerAccountId,
          verifiedEmail: await githubVerifiedEmail(account.access_token),
          name: user.name ?? null,
          signedInUserId: await signedInUserId(),
          address: context.address,
        });
        if (!result.ok) return `/sign-in?error=${result.code}`;
        // The jwt callback below receives this same object.
        user.id = result.account.id;
        (user as SignedInUser).meta = { method: "github", address: context.address, userAgent: context.userAgent };
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          // A sign-in just happened: start a server-side session.
          const meta = (user as SignedInUser).meta ?? { method: "password", address: "unknown" };
          const sid = await startSession(user.id, meta);
          return { sub: user.id, sid };
        }
        const session = typeof token.sid === "string" ? await resolveSession(token.sid) : null;
        if (!session || session.user.id !== token.sub) throw new SessionEndedError("the session has ended");
        resolved.set(token, session);
        return token;
      },
      async session({ token }) {
        const session = resolved.get(token);
        if (!session) return {} as DashboardSession;
        return {
          user: { ...session.user, sessionId: session.sessionId },
          expires: new Date(Date.now() + SESSION_POLICY.idleMs).toISOString(),
        } satisfies DashboardSession;
      },
      async redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid !== "string") return;
        let address = "unknown";
        try {
          address = (await requestMeta()).address;
        } catch {
          // Outside a request (tests): the address stays unknown.
        }
        await endSessionByToken(token.sid, address);
      },
    },
  };
}

let cached: NextAuthOptions | undefined;
export function getAuthOptions(): NextAuthOptions {
  return (cached ??= buildAuthOptions());
}
