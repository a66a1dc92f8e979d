"use client";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { apiFetch, isApiError } from "@/lib/dashboard/api-client";
import { fieldErrors, MIN_PASSWORD_LENGTH, signUpSchema } from "@/lib/dashboard/schemas";

export function SignUpForm({ domains }: { domains: string[] }) {
  const [values, setValues] = useState({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: "" }));
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed = signUpSchema.safeParse({ ...values, name: values.name || undefined });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setPending(true);
    try {
      // The answer is the same whether or not the email already had an account.
      await apiFetch("/api/dashboard/sign-up", { method: "POST", body: parsed.data });
      const res = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
      if (!res || res.error) {
        setFormError("Could not sign you in with this email and password. If you already had an account with this email, sign in with its password.");
        return;
      }
      // A full navigation after signing in: nothing rendered before it is reused.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.href = "/projects";
    } catch (error) {
      if (isApiError(error, "INVALID_REQUEST") && error.details.length) {
        setErrors(Object.fromEntries(error.details.map((d) => [d.path, d.message])));
      } else setFormError(error instanceof Error ? error.message : "Could not create the account.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-6">
      {domains.length > 0 ? (
        <p className="rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-800 ring-1 ring-inset ring-indigo-200">
          Sign-up is open to addresses at {domains.map((d) => `@${d}`).join(", ")}.
        </p>
      ) : null}
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={formError} />
        <TextField label="Name (optional)" name="name" autoComplete="name" value={values.name} onChange={set("name")} error={errors.name} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          value={values.email}
          onChange={set("email")}
          error={errors.email}
          required
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          value={values.password}
          onChange={set("password")}
          error={errors.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password. A passphrase works well.`}
          required
        />
        <Button type="submit" className="w-full" loading={pending}>
          Create account
        </Button>
      </form>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-indigo-600 hover:text-indigo-500">
          Sign in
        </Link>
      </p>
    </div>
  );
}
