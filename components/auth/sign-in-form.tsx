"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "That email and password do not match an account.",
  RATE_LIMITED: "Too many sign-in attempts. Wait a few minutes and try again.",
  GITHUB_EMAIL_UNVERIFIED: "GitHub did not give us a verified email for your account.",
  OAuthSignin: "Could not start GitHub sign-in. Try again.",
  OAuthCallback: "GitHub sign-in did not complete. Try again.",
  AccessDenied: "Sign-in was denied.",
};

const message = (code: string | null | undefined) => (code ? (MESSAGES[code] ?? "Sign-in failed. Try again.") : null);

/** Only same-site paths, so ?callbackUrl cannot send you elsewhere. */
function safeCallback(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/projects";
}

export function SignInForm({ github }: { github: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const callbackUrl = safeCallback(params.get("callbackUrl"));
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
      router.replace(callbackUrl);
      router.refresh();
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
          <div className="relative text-center text-xs uppercase tracking-wider text-slate-400">
            <span className="relative z-10 bg-white px-2">or</span>
            <div className="absolute inset-x-0 top-1/2 h-px bg-slate-200" aria-hidden="true" />
          </div>
          <Button variant="secondary" className="w-full" onClick={() => signIn("github", { callbackUrl })}>
            Continue with GitHub
          </Button>
        </>
      ) : null}
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link href="/sign-up" className="font-medium text-indigo-600 hover:text-indigo-500">
          Create an account
        </Link>
      </p>
    </div>
  );
}
