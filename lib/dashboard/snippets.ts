// The SDK code the dashboard shows, with the real base URL and store id
// filled in. The server key and the app secret stay environment variables:
// the page never has them. Client-safe.
const quote = (s: string) => JSON.stringify(s);

/** The two lines to get started, for an empty project (baseUrl is shown beside them). */
export function quickStartSnippet(storeId = "oauth-tokens"): string {
  return [
    `const store = new DataVaultClient({ baseUrl, serverKey }).getDataVaultStore(${quote(storeId)});`,
    "await store.setValue(`gh:${userId}`, refreshToken, { secret });",
  ].join("\n");
}

/** The full example for one store. */
export function storeSnippet(baseUrl: string, storeId: string): string {
  return `import { DataVaultClient } from "@data-vault/sdk";

const vault = new DataVaultClient({ baseUrl: ${quote(baseUrl)}, serverKey: process.env.VAULT_SERVER_KEY! });
const store = vault.getDataVaultStore(${quote(storeId)});
const secret = process.env.VAULT_SECRET!; // at least 32 random characters, only in your app

await store.setValue(\`gh:\${userId}\`, refreshToken, { secret });
const token = await store.getValue(\`gh:\${userId}\`, { secret }); // string | null`;
}

export const INSTALL_SNIPPET = "npm install @data-vault/sdk";
