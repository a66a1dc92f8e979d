import Link from "next/link";
import { getInstanceSettings } from "@/lib/auth/instance-settings";
import { buttonClass } from "@/components/ui/button";

export default async function HomePage() {
  const { openSignUp } = await getInstanceSettings();
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center gap-8 px-6 py-16">
      <div className="space-y-3">
        <p className="text-sm font-semibold uppercase tracking-wider text-accent">Data Vault</p>
        <h1 className="text-4xl font-bold tracking-tight text-fg">The vault for the secrets your app holds for its users</h1>
        <p className="text-lg text-fg-muted">
          OAuth refresh tokens, provider API keys, connection strings, recovery codes: encrypted in your app before
          they leave it, encrypted again here. We cannot read them, and neither can anyone who steals the database.
        </p>
      </div>
      <pre tabIndex={0} aria-label="Example" className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-sm text-slate-100 dark:bg-black/40">
        <code>{`const store = new DataVaultClient({ baseUrl, serverKey }).getDataVaultStore("oauth-tokens");
await store.setValue(\`gh:\${userId}\`, refreshToken, { secret: process.env.VAULT_SECRET });`}</code>
      </pre>
      <div className="flex flex-wrap gap-3">
        <Link href="/sign-in" className={buttonClass("primary")}>
          Sign in
        </Link>
        {openSignUp ? (
          <Link href="/sign-up" className={buttonClass("secondary")}>
            Create an account
          </Link>
        ) : null}
      </div>
    </main>
  );
}
