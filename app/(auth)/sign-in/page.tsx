import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";
import { githubEnabled } from "@/lib/auth/options";
import { getInstanceSettings } from "@/lib/auth/instance-settings";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  const { openSignUp } = await getInstanceSettings();
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mb-6 text-sm text-slate-600">Welcome back. Manage your stores and server keys.</p>
      <Suspense>
        <SignInForm github={githubEnabled()} signUpOpen={openSignUp} />
      </Suspense>
    </>
  );
}
