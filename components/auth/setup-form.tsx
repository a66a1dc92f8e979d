"use client";
import { signIn } from "next-auth/react";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { apiFetch, isApiError } from "@/lib/dashboard/api-client";
import { fieldErrors, MIN_PASSWORD_LENGTH, setupSchema } from "@/lib/dashboard/schemas";
import { forgetLinkToken, useLinkToken } from "./use-link-token";

const PREFIX = "dvs_";

export function SetupForm() {
  const token = useLinkToken(PREFIX);
  const [checked, setChecked] = useState<"checking" | "valid" | "invalid">("checking");
  const [message, setMessage] = useState<string | null>(null);
  const [values, setValues] = useState({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (!token) return;
    apiFetch("/api/dashboard/setup/check", { method: "POST", body: { token } })
      .then(() => setChecked("valid"))
      .catch((e: unknown) => {
        setChecked("invalid");
        setMessage(e instanceof Error ? e.message : null);
      });
  }, [token]);

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: "" }));
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setMessage(null);
    const parsed = setupSchema.safeParse({ ...values, token, name: values.name || undefined });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    setPending(true);
    try {
      await apiFetch("/api/dashboard/setup", { method: "POST", body: parsed.data });
      forgetLinkToken(PREFIX);
      const res = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
      window.location.href = res && !res.error ? "/projects" : "/sign-in";
    } catch (error) {
      if (isApiError(error, "INVALID_REQUEST") && error.details.length) setErrors(Object.fromEntries(error.details.map((d) => [d.path, d.message])));
      else setMessage(error instanceof Error ? error.message : "Could not create the account.");
    } finally {
      setPending(false);
    }
  }

  const state = token === null ? "invalid" : checked;
  if (state === "checking") {
    return (
      <div role="status" className="flex items-center justify-center gap-2 py-8 text-sm text-slate-600">
        <Spinner className="h-4 w-4" /> Checking the link…
      </div>
    );
  }
  if (state === "invalid") {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold text-slate-900">Setup link</h1>
        <FormError message={message ?? "This page needs the one-time setup link from the server's log."} />
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <div>
        <h1 className="mb-1 text-xl font-semibold text-slate-900">Create the admin account</h1>
        <p className="text-sm text-slate-600">This one-time link makes the first instance admin. It stops working once used.</p>
      </div>
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={message} />
        <TextField label="Name (optional)" autoComplete="name" value={values.name} onChange={set("name")} error={errors.name} />
        <TextField label="Email" type="email" autoComplete="email" value={values.email} onChange={set("email")} error={errors.email} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={set("password")}
          error={errors.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password.`}
        />
        <Button type="submit" className="w-full" loading={pending}>
          Create admin account
        </Button>
      </form>
    </div>
  );
}
