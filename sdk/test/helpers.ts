import { DataVaultClient, type DataVaultClientOptions } from "../src/index.js";
import { FakeVault } from "./fake-vault.js";

export const SECRET = "test-secret-0123456789-abcdefghijklmnop";
export const OLD_SECRET = "old-secret-0123456789-abcdefghijklmnopq";

export function setup(options: Partial<DataVaultClientOptions> = {}, storeIds?: string[]) {
  const vault = new FakeVault(storeIds);
  const client = new DataVaultClient({
    baseUrl: "http://vault.test",
    serverKey: vault.serverKey,
    fetch: vault.fetch,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...options,
  });
  return { vault, client, store: client.getDataVaultStore("oauth-tokens") };
}
