import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { getInstanceSettings } from "@/lib/auth/instance-settings";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  const settings = await getInstanceSettings();
  if (!settings.openSignUp) {
    return (
      <>
        <h1 className="mb-1 text-xl font-semibold text-slate-900">Sign-up is by invitation</h1>
        <p className="mb-6 text-sm text-slate-600">
          Ask a project owner on this instance for an invitation link. It lets you set your password and join their project.
        </p>
        <p className="text-center text-sm text-slate-600">
          Have an account?{" "}
          <Link href="/sign-in" className="font-medium text-indigo-600 hover:text-indigo-500">
            Sign in
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Create an account</h1>
      <p className="mb-6 text-sm text-slate-600">Set up projects, stores and server keys for your apps.</p>
      <SignUpForm domains={settings.signUpDomains} />
    </>
  );
}
