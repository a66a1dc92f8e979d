import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";
import { githubEnabled } from "@/lib/auth/options";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold text-slate-900">Sign in</h1>
      <p className="mb-6 text-sm text-slate-600">Welcome back. Manage your stores and server keys.</p>
      <Suspense>
        <SignInForm github={githubEnabled()} />
      </Suspense>
    </>
  );
}
