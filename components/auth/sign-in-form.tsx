"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { safeRedirectPath } from "@/lib/auth/redirect";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account.",
  RATE_LIMITED: "Too many sign-in attempts from here. Wait a few minutes and try again.",
  BUSY: "The server is busy with sign-ins. Try again in a few seconds.",
  ACCOUNT_DISABLED: "This account is disabled. Ask your instance admin.",
  GITHUB_EMAIL_UNVERIFIED: "GitHub did not give us a verified email for your account.",
  GITHUB_EMAIL_IN_USE: "An account with your GitHub email exists. Sign in with its password, then connect GitHub in Settings.",
  GITHUB_LINKED_ELSEWHERE: "This GitHub account is connected to another Data Vault account.",
  SIGN_UP_CLOSED: "There is no account for this GitHub identity, and sign-up is by invitation only.",
  OAuthSignin: "Could not start GitHub sign-in. Try again.",
  OAuthCallback: "GitHub sign-in did not complete. Try again.",
  AccessDenied: "Sign-in was denied.",
};

const message = (code: string | null | undefined) => (code ? (MESSAGES[code] ?? "Sign-in failed. Try again.") : null);

export function SignInForm({ github, signUpOpen }: { github: boolean; signUpOpen: boolean }) {
  const params = useSearchParams();
  // Only same-site paths, so ?callbackUrl cannot send you elsewhere.
  const callbackUrl = safeRedirectPath(params.get("callbackUrl"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(message(params.get("error")));
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setPending(true);
    try {
      const res = await signIn("credentials", { email, password, redirect: false, callbackUrl });
      if (!res || res.error) {
        setError(message(res?.error ?? "CredentialsSignin"));
        return;
      }
      // A full navigation: nothing rendered for the signed-out visitor is reused.
      window.location.href = callbackUrl;
    } catch {
      setError("Cannot reach the server. Try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={error} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <Button type="submit" className="w-full" loading={pending}>
          Sign in
        </Button>
      </form>
      {github ? (
        <>
          <div className="relative text-center text-xs uppercase tracking-wider text-fg-muted">
            <span className="relative z-10 bg-white px-2">or</span>
            <div className="absolute inset-x-0 top-1/2 h-px bg-slate-200" aria-hidden="true" />
          </div>
          <Button variant="secondary" className="w-full" onClick={() => signIn("github", { callbackUrl })}>
            Continue with GitHub
          </Button>
        </>
      ) : null}
      <p className="text-center text-sm text-slate-600">
        {signUpOpen ? (
          <>
            New here?{" "}
            <Link href="/sign-up" className="font-medium text-indigo-600 hover:text-indigo-500">
              Create an account
            </Link>
          </>
        ) : (
          "New here? Ask a project owner for an invitation link."
        )}
      </p>
    </div>
  );
}
