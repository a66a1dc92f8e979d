// Tampering through the real server: stored blobs changed directly in the
// database (bytes flipped at sampled positions of every field, rows swapped
// between keys, stores and projects, older blobs replayed), and client
// ciphertexts swapped, altered or replayed by someone holding a server key.
// Every read through the SDK throws (the typed DataVaultDecryptionError for
// the client layer, DataVaultRollbackError for an older client value put
// back, a DataVaultError INTERNAL for the server layer); the HTTP API
// answers 500 INTERNAL with nothing but a code and a fixed message. Never
// wrong data.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { createStore } from "@/lib/vault/stores";
import { DataVaultClient, DataVaultDecryptionError, DataVaultError, DataVaultRollbackError } from "@/sdk/src/index";
import { deriveEntryKeys } from "@/sdk/src/crypto/derive";
import { api, FULL, prng, record, scaled, startCluster, type Cluster } from "./harness";

type Row = Awaited<ReturnType<ReturnType<typeof getDb>["entry"]["findFirstOrThrow"]>>;

function tamper(provider: Provider) {
  let cluster: Cluster;
  let token: string;
  let otherToken: string;
  let projectId: string;
  let otherProjectId: string;
  const secret = `S-${randomBytes(24).toString("base64url")}`;
  const figures = { serverLayerCases: 0, clientLayerCases: 0, refusedInternal: 0, refusedDecryption: 0, refusedRollback: 0, wrongData: 0, leakyBodies: 0, rollbackReturnedOld: 0 };
  const client = (t: string) => new DataVaultClient({ baseUrl: cluster.url, serverKey: t, retries: 0 });
  const hashOf = async (store: string, key: string) => (await deriveEntryKeys(secret, store, key)).keyHash;
  const rowOf = (storeRef: string, keyHash: string) => getDb().entry.findUniqueOrThrow({ where: { storeRef_keyHash: { storeRef, keyHash } } });
  const setRow = (r: { storeRef: string; keyHash: string }, data: Partial<Row>) =>
    getDb().entry.update({ where: { storeRef_keyHash: { storeRef: r.storeRef, keyHash: r.keyHash } }, data: data as never });
  const storeRef = async (pid: string, storeId: string) => (await getDb().store.findFirstOrThrow({ where: { projectId: pid, storeId } })).id;

  /** The read must fail through the SDK and through the raw API; never return data. */
  const expectRefused = async (storeId: string, key: string, kh: string, t = token) => {
    figures.serverLayerCases++;
    const err = await client(t)
      .getDataVaultStore(storeId)
      .getValue(key, { secret })
      .then((v) => ({ value: v }), (e: unknown) => e);
    if (!(err instanceof DataVaultError)) figures.wrongData++;
    expect(err).toBeInstanceOf(DataVaultError);
    expect((err as DataVaultError).code).toBe("INTERNAL");
    const r = await api(cluster.url, "GET", `/api/v1/stores/${storeId}/entries/${kh}`, { token: t });
    expect(r.status).toBe(500);
    expect(Object.keys(r.json.error).sort()).toEqual(["code", "message"]);
    expect(r.json.error.code).toBe("INTERNAL");
    if (/[0-9a-f]{16,}|cm[a-z0-9]{20}|wrapped|stack|\.ts|\.js/i.test(r.json.error.message)) figures.leakyBodies++;
    figures.refusedInternal++;
  };
  const expectDecryptionError = async (storeId: string, key: string) => {
    figures.clientLayerCases++;
    const err = await client(token)
      .getDataVaultStore(storeId)
      .getValue(key, { secret })
      .then((v) => ({ value: v }), (e: unknown) => e);
    if (!(err instanceof DataVaultDecryptionError)) figures.wrongData++;
    expect(err).toBeInstanceOf(DataVaultDecryptionError);
    figures.refusedDecryption++;
  };

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, { VAULT_RATE_LIMIT_PER_SECOND: "0" });
    ({ project: { id: projectId } } = await makeProject());
    ({ project: { id: otherProjectId } } = await makeProject("other"));
    ({ token } = await makeStoreAndKey(projectId, "s1"));
    await createStore(projectId, { storeId: "s2", displayName: "s2" }, TEST_ACTOR);
    ({ token: otherToken } = await makeStoreAndKey(otherProjectId, "s1"));
  });
  afterAll(async () => {
    record(`tamper-${provider}`, figures);
    await cluster?.stop();
  });

  it("a flipped byte at sampled positions of every stored blob is refused", async () => {
    const s1 = client(token).getDataVaultStore("s1");
    const key = "user:alice";
    const value = "refresh-token-" + "z".repeat(300);
    await s1.setValue(key, value, { secret });
    const kh = await hashOf("s1", key);
    const row = await rowOf(await storeRef(projectId, "s1"), kh);
    const r = prng(provider === "sqlite" ? 1 : 2);
    for (const field of ["ciphertext", "wrappedKey"] as const) {
      const blob = Buffer.from(row[field]);
      // Every position of the wrapped key in full mode; a sample otherwise
      // and for the (longer) ciphertext. Always the first and last bytes.
      const all = [...blob.keys()];
      const want = field === "wrappedKey" ? scaled(16, blob.length) : scaled(16, 96);
      const positions = [...new Set([0, blob.length - 1, ...(want >= blob.length ? all : Array.from({ length: want }, () => r.int(0, blob.length - 1)))])];
      for (const i of positions) {
        const t = Buffer.from(blob);
        t[i]! ^= 1 << r.int(0, 7);
        await setRow(row, { [field]: t });
        await expectRefused("s1", key, kh);
      }
      // Truncated and extended blobs.
      for (const t of [blob.subarray(0, blob.length - 1), Buffer.concat([blob, Buffer.from([0])]), Buffer.alloc(0)]) {
        await setRow(row, { [field]: t });
        await expectRefused("s1", key, kh);
      }
      await setRow(row, { [field]: blob });
    }
    // Version counter and master-key version changed.
    for (const data of [{ version: row.version + 1 }, { masterKeyVersion: row.masterKeyVersion + 7 }]) {
      await setRow(row, data);
      await expectRefused("s1", key, kh);
      await setRow(row, { version: row.version, masterKeyVersion: row.masterKeyVersion });
    }
    expect(await s1.getValue(key, { secret })).toBe(value);
  });

  it("rows swapped between keys, stores and projects are refused", async () => {
    const s1 = client(token).getDataVaultStore("s1");
    const [a, b] = ["swap:a", "swap:b"];
    await s1.setValue(a, "value-of-a", { secret });
    await s1.setValue(b, "value-of-b", { secret });
    const ref1 = await storeRef(projectId, "s1");
    const [ha, hb] = [await hashOf("s1", a), await hashOf("s1", b)];
    const [ra, rb] = [await rowOf(ref1, ha), await rowOf(ref1, hb)];
    await setRow(ra, { ciphertext: rb.ciphertext, wrappedKey: rb.wrappedKey, version: rb.version });
    await setRow(rb, { ciphertext: ra.ciphertext, wrappedKey: ra.wrappedKey, version: ra.version });
    await expectRefused("s1", a, ha);
    await expectRefused("s1", b, hb);
    await setRow(ra, { ciphertext: ra.ciphertext, wrappedKey: ra.wrappedKey, version: ra.version });
    await setRow(rb, { ciphertext: rb.ciphertext, wrappedKey: rb.wrappedKey, version: rb.version });

    // Another store of the same project, under the hash the SDK sends there.
    const ref2 = await storeRef(projectId, "s2");
    const ha2 = await hashOf("s2", a);
    await getDb().entry.create({ data: { ...ra, storeRef: ref2, keyHash: ha2 } as never });
    await expectRefused("s2", a, ha2);
    // Same key hash moved to s2 (a client asking s2 for that hash).
    await getDb().entry.create({ data: { ...ra, storeRef: ref2 } as never });
    const r = await api(cluster.url, "GET", `/api/v1/stores/s2/entries/${ha}`, { token });
    expect(r.status).toBe(500);
    figures.serverLayerCases++;
    figures.refusedInternal++;
    // Another project's store with the same name, read with that project's key.
    const refOther = await storeRef(otherProjectId, "s1");
    await getDb().entry.create({ data: { ...ra, storeRef: refOther } as never });
    await expectRefused("s1", a, ha, otherToken);
    expect(await s1.getValue(a, { secret })).toBe("value-of-a");
  });

  it("older blobs replayed under a newer version are refused; a whole-row rollback returns only the old value", async () => {
    const s1 = client(token).getDataVaultStore("s1");
    const key = "replay:k";
    const kh = await hashOf("s1", key);
    const ref1 = await storeRef(projectId, "s1");
    const versions: Row[] = [];
    for (let v = 1; v <= scaled(3, 6); v++) {
      await s1.setValue(key, `value-${v}`, { secret });
      versions.push(await rowOf(ref1, kh));
    }
    const last = versions[versions.length - 1]!;
    for (const old of versions.slice(0, -1)) {
      await setRow(last, { ciphertext: old.ciphertext, wrappedKey: old.wrappedKey });
      await expectRefused("s1", key, kh);
      // Mixed: the old wrapped key with the current ciphertext and the reverse.
      await setRow(last, { ciphertext: last.ciphertext, wrappedKey: old.wrappedKey });
      await expectRefused("s1", key, kh);
      await setRow(last, { ciphertext: old.ciphertext, wrappedKey: last.wrappedKey });
      await expectRefused("s1", key, kh);
    }
    // Documented limit (docs/security.md): the whole row (blobs and version
    // counter) rolled back together reads as that older write, exactly.
    const first = versions[0]!;
    await setRow(last, { ciphertext: first.ciphertext, wrappedKey: first.wrappedKey, version: first.version });
    const entry = await s1.getEntry(key, { secret });
    expect(entry).toMatchObject({ value: "value-1", version: 1 });
    figures.rollbackReturnedOld++;
    await setRow(last, { ciphertext: last.ciphertext, wrappedKey: last.wrappedKey, version: last.version });
    expect(await s1.getValue(key, { secret })).toBe(`value-${versions.length}`);
  });

  it("client ciphertexts swapped, moved or altered through the API throw DataVaultDecryptionError", async () => {
    const s1 = client(token).getDataVaultStore("s1");
    const [a, b] = ["client:a", "client:b"];
    await s1.setValue(a, "client-value-a", { secret });
    await s1.setValue(b, "client-value-b", { secret });
    const [ha, hb] = [await hashOf("s1", a), await hashOf("s1", b)];
    const ca = (await api(cluster.url, "GET", `/api/v1/stores/s1/entries/${ha}`, { token })).json.value as string;
    const cb = (await api(cluster.url, "GET", `/api/v1/stores/s1/entries/${hb}`, { token })).json.value as string;
    const put = (store: string, h: string, value: string) => api(cluster.url, "PUT", `/api/v1/stores/${store}/entries/${h}`, { token, body: { value } });
    // A's ciphertext under B's key hash.
    expect((await put("s1", hb, ca)).status).toBe(200);
    await expectDecryptionError("s1", b);
    // A's ciphertext in another store under the hash that store would use.
    expect((await put("s2", await hashOf("s2", a), ca)).status).toBe(200);
    await expectDecryptionError("s2", a);
    // Altered characters at sampled positions, truncation, junk.
    const r = prng(7);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const samples = scaled(12, 64);
    for (let s = 0; s < samples; s++) {
      const i = r.int(3, ca.length - 1);
      const c = alphabet[(alphabet.indexOf(ca[i]!) + r.int(1, 63)) % 64]!;
      const altered = ca.slice(0, i) + c + ca.slice(i + 1);
      expect((await put("s1", ha, altered)).status).toBe(200);
      const got = await s1.getValue(a, { secret }).then((v) => v, (e: unknown) => e);
      figures.clientLayerCases++;
      // A changed last base64url character can leave the decoded bytes equal
      // (unused low bits); then the value must be exactly the original.
      if (got === "client-value-a") continue;
      if (!(got instanceof DataVaultDecryptionError)) figures.wrongData++;
      expect(got).toBeInstanceOf(DataVaultDecryptionError);
      figures.refusedDecryption++;
    }
    for (const junk of [ca.slice(0, -1), ca.slice(0, 10), "v1.", "v1.AAAA", "v2.", cb.slice(0, 20) + ca.slice(20), "v1." + ca.slice(3), "v3." + ca.slice(3)]) {
      expect((await put("s1", ha, junk)).status).toBe(200);
      await expectDecryptionError("s1", a);
    }
    // A's own ciphertext put back (the entry's version has moved on since): a replay, refused as such (format v2).
    await put("s1", ha, ca);
    const replayed = await s1.getValue(a, { secret }).then((v) => v, (e: unknown) => e);
    figures.clientLayerCases++;
    if (!(replayed instanceof DataVaultRollbackError)) figures.wrongData++;
    expect(replayed).toBeInstanceOf(DataVaultRollbackError);
    figures.refusedRollback++;
    await s1.setValue(a, "client-value-a2", { secret });
    expect(await s1.getValue(a, { secret })).toBe("client-value-a2");
  });

  it("figures", () => {
    expect(figures.wrongData).toBe(0);
    expect(figures.leakyBodies).toBe(0);
    if (FULL) expect(figures.serverLayerCases).toBeGreaterThan(100);
  });
}

describe("tamper [sqlite]", () => tamper("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("tamper [postgres]", () => tamper("postgres"));
