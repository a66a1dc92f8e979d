// The SDK code the dashboard shows, with the real base URL and store id
// filled in. The server key and the app secret stay environment variables:
// the page never has them. Client-safe.
import sdkPackage from "@/sdk/package.json";

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

/** The SDK version this instance serves (scripts/build-sdk-tarball.mjs packs sdk/ into public/sdk/). */
export const SDK_VERSION = sdkPackage.version;

/** Where this instance serves its SDK: npm pack's file name for @data-vault/sdk. */
export const SDK_TARBALL_PATH = `/sdk/data-vault-sdk-${SDK_VERSION}.tgz`;

/** The install line: the SDK from this instance itself, as no public registry has it. */
export function installSnippet(baseUrl: string): string {
  return `npm install ${baseUrl.replace(/\/+$/, "")}${SDK_TARBALL_PATH}`;
}
