// The SDK's format v2, secret generations and migration against the real
// server over HTTP (issue 14), on SQLite and on PostgreSQL: a replayed
// value is refused, the store counts entries per secret generation, a
// rotation can be watched until nothing is left under the old secret.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable } from "@/test/providers";
import { startTestServer, type TestServer } from "@/test/server";
import { makeProject, makeStoreAndKey } from "@/test/fixtures";
import { DataVaultClient, DataVaultRollbackError } from "@/sdk/src/index";
import { deriveEntryKeys } from "@/sdk/src/crypto/derive";
import { encryptWithNonce } from "@/sdk/src/crypto/cipher";

const OLD = "old-app-secret-0123456789-abcdefghijklmn";
const NEW = "new-app-secret-0123456789-abcdefghijklmn";

for (const provider of ["sqlite", "postgres"] as const) {
  const pgUp = await postgresReachable();
  describe.skipIf(provider === "postgres" && !pgUp)(`SDK format v2 and generations over HTTP [${provider}]`, () => {
    let server: TestServer;
    let token: string;
    const client = () => new DataVaultClient({ baseUrl: server.url, serverKey: token });
    const rawPut = (keyHash: string, value: string) =>
      fetch(`${server.url}/api/v1/stores/oauth-tokens/entries/${keyHash}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ value }),
      });
    const rawGet = async (keyHash: string) =>
      (await (await fetch(`${server.url}/api/v1/stores/oauth-tokens/entries/${keyHash}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { value: string; version: number };

    beforeAll(async () => {
      server = await startTestServer(provider);
      const { project } = await makeProject();
      ({ token } = await makeStoreAndKey(project.id, "oauth-tokens"));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("a value put back with a write key is ROLLBACK_DETECTED, not returned", async () => {
      const store = client().getDataVaultStore("oauth-tokens");
      await store.setValue("gh:1", "revoked", { secret: NEW });
      const { keyHash } = await deriveEntryKeys(NEW, "oauth-tokens", "gh:1");
      const old = (await rawGet(keyHash)).value;
      await store.setValue("gh:1", "current", { secret: NEW });
      expect((await rawPut(keyHash, old)).status).toBe(200);
      const error = await store.getValue("gh:1", { secret: NEW }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataVaultRollbackError);
      expect(error).toMatchObject({ expectedVersion: 3, foundVersion: 1 });
      await store.setValue("gh:1", "fixed", { secret: NEW });
      expect(await store.getValue("gh:1", { secret: NEW })).toBe("fixed");
    });

    it("counts entries per secret generation; a rotation is watched to the end with migrate", async () => {
      const c = client();
      const store = c.getDataVaultStore("oauth-tokens");
      const keys = Array.from({ length: 30 }, (_, i) => `user:${i}`);
      await store.setValues(keys.map((k) => [k, `token ${k}`] as const), { secret: OLD });
      // One v1 value written by an old SDK, under the new secret.
      const legacy = await deriveEntryKeys(NEW, "oauth-tokens", "legacy");
      await rawPut(legacy.keyHash, encryptWithNonce(legacy.valueKey, "oauth-tokens", legacy.keyHash, "from an old SDK", Buffer.alloc(12, 9)));

      const rotating = { secret: NEW, previousSecrets: [OLD] };
      let info = await store.getInfo(rotating);
      expect(info.rotation).toMatchObject({ current: { entryCount: 1 }, previous: [{ entryCount: 30 }], done: false });
      expect(info.generations.find((g) => g.id === null)).toEqual({ id: null, entryCount: 1 });
      expect(await store.verifySecret({ secret: OLD })).toMatchObject({ status: "match", entryCount: 30 });
      expect(await store.verifySecret({ secret: "a-wrong-secret-0123456789-abcdefghijklm" })).toMatchObject({ status: "mismatch" });

      // Reads move some; migrate moves the rest and upgrades the v1 value.
      await store.getValues(keys.slice(0, 5), rotating);
      info = await store.getInfo(rotating);
      expect(info.rotation).toMatchObject({ previous: [{ entryCount: 25 }], remaining: 26 });
      const result = await store.migrate([...keys, "legacy"], { ...rotating, batchSize: 7 });
      expect(result).toMatchObject({ keys: 31, current: 5, moved: 25, upgraded: 1, missing: 0, failed: [] });
      info = await store.getInfo(rotating);
      expect(info.rotation).toMatchObject({ previous: [{ entryCount: 0 }], remaining: 0, done: true });
      expect(info.generations.filter((g) => g.id !== info.rotation!.current.id).length).toBe(0);
      expect(await store.getValue("user:29", { secret: NEW })).toBe("token user:29");
      expect(await store.getValue("legacy", { secret: NEW })).toBe("from an old SDK");
      // Nothing v1 is left: a client may stop accepting it.
      const strict = new DataVaultClient({ baseUrl: server.url, serverKey: token, acceptV1: false }).getDataVaultStore("oauth-tokens");
      expect(await strict.getValue("legacy", { secret: NEW })).toBe("from an old SDK");
    });
  });
}
