import type { Metadata } from "next";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { hasAnyAccount } from "@/lib/auth/users";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  const firstAccount = !(await hasAnyAccount());
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Create an account</h1>
      <p className="mb-6 text-sm text-slate-600">Set up projects, stores and server keys for your apps.</p>
      <SignUpForm firstAccount={firstAccount} />
    </>
  );
}
