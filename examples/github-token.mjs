#!/usr/bin/env node
// What a real app does with Data Vault: keep a user's GitHub refresh token,
// read it back, rotate the app's secret, and delete the token. It uses only
// the published SDK package (npm install @data-vault/sdk, or the tarball
// from `cd sdk && npm pack`), outside the vault's own code.
//
//   DATA_VAULT_URL=http://localhost:3000 \
//   DATA_VAULT_SERVER_KEY=dvk_... \
//   APP_SECRET=<32+ random characters> APP_SECRET_NEXT=<another 32+> \
//   GITHUB_USER_ID=12345 GITHUB_REFRESH_TOKEN=ghr_... \
//   node github-token.mjs
//
// The server key needs read-write access to a store named `oauth-tokens`.
// The script prints each step; it never prints the token, the secrets or
// the server key. It exits 1 when a step does not behave as documented.
import { randomBytes } from "node:crypto";
import { DataVaultClient, DataVaultError } from "@data-vault/sdk";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const baseUrl = required("DATA_VAULT_URL");
const serverKey = required("DATA_VAULT_SERVER_KEY");
const oldSecret = required("APP_SECRET");
const newSecret = process.env.APP_SECRET_NEXT || randomBytes(32).toString("base64url");
const userId = process.env.GITHUB_USER_ID || "12345";
const refreshToken = process.env.GITHUB_REFRESH_TOKEN || `ghr_${randomBytes(30).toString("base64url")}`;

const vault = new DataVaultClient({ baseUrl, serverKey });
const store = vault.getDataVaultStore("oauth-tokens");
const key = `gh:${userId}`;

let step = 0;
function say(text) {
  console.log(`${++step}. ${text}`);
}
function check(condition, text) {
  if (!condition) throw new Error(`step ${step + 1} failed: ${text}`);
}

try {
  // After the GitHub OAuth callback: keep the refresh token.
  await store.setValue(key, refreshToken, { secret: oldSecret });
  say(`stored the refresh token under ${key} in store oauth-tokens (${refreshToken.length} characters)`);

  // Later, to call GitHub on the user's behalf: read it back.
  const read = await store.getValue(key, { secret: oldSecret });
  check(read === refreshToken, "the token did not read back");
  say(`read it back with APP_SECRET: matches`);

  // Rotating the app's secret. Before any read migrates it, the new secret
  // alone does not find the entry (the key hash depends on the secret).
  const before = await store.getValue(key, { secret: newSecret });
  check(before === null, "the new secret alone found the entry before rotation");
  say("rotation started: APP_SECRET_NEXT alone finds nothing yet (expected)");

  // During the rotation the app reads with the new secret first and the
  // old one as a fallback: the hit moves the entry to the new secret.
  const rotated = await store.getValue(key, { secret: newSecret, previousSecrets: [oldSecret] });
  check(rotated === refreshToken, "the rotating read did not return the token");
  say("read with { secret: APP_SECRET_NEXT, previousSecrets: [APP_SECRET] }: matches, entry moved to the new secret");

  // Once every entry has moved, the old secret can be dropped.
  const afterRotation = await store.getValue(key, { secret: newSecret });
  check(afterRotation === refreshToken, "the new secret alone did not read the migrated entry");
  say("read with APP_SECRET_NEXT alone: matches");

  const oldGone = await store.getValue(key, { secret: oldSecret });
  check(oldGone === null, "the old secret still reads the entry after migration");
  say("APP_SECRET alone no longer finds it: the old copy was removed");

  // The user disconnects GitHub: delete the token.
  const deleted = await store.deleteValue(key, { secret: newSecret });
  check(deleted === true, "deleteValue did not report a deletion");
  say(`deleted ${key}`);

  const gone = await store.getValue(key, { secret: newSecret });
  check(gone === null, "the token still reads after deletion");
  say("reading it again returns null: gone");
  console.log("done: all steps behaved as documented");
} catch (error) {
  if (error instanceof DataVaultError) {
    console.error(`Data Vault error ${error.code}${error.status ? ` (HTTP ${error.status})` : ""}: ${error.message}`);
  } else {
    console.error(error instanceof Error ? error.message : String(error));
  }
  process.exit(1);
}
