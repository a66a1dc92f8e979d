import Link from "next/link";

export default function HomePage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center gap-8 px-6 py-16">
      <div className="space-y-3">
        <p className="text-sm font-semibold uppercase tracking-wider text-indigo-600">Data Vault</p>
        <h1 className="text-4xl font-bold tracking-tight">The vault for the secrets your app holds for its users</h1>
        <p className="text-lg text-slate-600">
          OAuth refresh tokens, provider API keys, connection strings, recovery codes: encrypted in your app before
          they leave it, encrypted again here. We cannot read them, and neither can anyone who steals the database.
        </p>
      </div>
      <pre className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-sm text-slate-100">
        <code>{`const store = new DataVaultClient({ baseUrl, serverKey }).getDataVaultStore("oauth-tokens");
await store.setValue(\`gh:\${userId}\`, refreshToken, { secret: process.env.VAULT_SECRET });`}</code>
      </pre>
      <div className="flex gap-3">
        <Link href="/sign-in" className="rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">
          Sign in
        </Link>
        <Link href="/sign-up" className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium hover:bg-slate-100">
          Create an account
        </Link>
      </div>
    </main>
  );
}
