// The concurrency suite body (used by concurrency.adv.test.ts with one
// instance and two-instances.adv.test.ts with two). Concurrency through the real server: 1,000 concurrent writers (64 in
// flight) over 100 contended keys, without and with ifVersion, plus mixed
// creates/overwrites/deletes/batches. The final value is one of the writes,
// versions count every write exactly, check-and-set never lets two writers
// win the same version, and entry counts are exact (reconcileCounts in
// process against the server's database reports no drift).
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { createStore } from "@/lib/vault/stores";
import { reconcileCounts } from "@/lib/vault/entries";
import { api, LOAD_ENV, pool, prng, record, startCluster, type Cluster } from "./harness";

const WRITERS = 1_000;
const KEYS = 100;
const IN_FLIGHT = 64;
const PER_KEY = WRITERS / KEYS;
/** Writer i's key: ten consecutive writers share one, so they are in flight together. */
const keyOf = (i: number) => Math.floor(i / PER_KEY);

export function concurrencySuite(provider: Provider, instances = 1) {
  let cluster: Cluster;
  let token: string;
  let projectId: string;
  const figures: Record<string, unknown> = { instances };
  /** Alternate instances per request when there are several. */
  let turn = 0;
  const base = () => cluster.instances[turn++ % cluster.instances.length]!.url;
  const entry = (store: string, k: string) => `/api/v1/stores/${store}/entries/${k}`;

  beforeAll(async () => {
    cluster = await startCluster(provider, instances, LOAD_ENV);
    ({ project: { id: projectId } } = await makeProject());
    ({ token } = await makeStoreAndKey(projectId, "blind"));
    for (const s of ["cas", "churn"]) await createStore(projectId, { storeId: s, displayName: s }, TEST_ACTOR);
  });
  afterAll(async () => {
    record(`concurrency-${provider}-x${instances}`, figures);
    await cluster?.stop();
  });

  it(`${WRITERS} blind writers over ${KEYS} keys: last write is one of the writes, versions exact`, async () => {
    const keys = Array.from({ length: KEYS }, () => keyHash());
    const t0 = Date.now();
    const res = await pool(WRITERS, IN_FLIGHT, async (i) => {
      const r = await api(base(), "PUT", entry("blind", keys[keyOf(i)]!), { token, body: { value: `w-${i}` } });
      return r.status;
    });
    figures.blindSeconds = (Date.now() - t0) / 1000;
    figures.blindStatuses = res.reduce<Record<number, number>>((a, s) => ((a[s] = (a[s] ?? 0) + 1), a), {});
    expect(res.every((s) => s === 200)).toBe(true);
    let ok = 0;
    for (let k = 0; k < KEYS; k++) {
      const r = await api(base(), "GET", entry("blind", keys[k]!), { token });
      const writes = new Set(Array.from({ length: PER_KEY }, (_, j) => `w-${k * PER_KEY + j}`));
      expect(writes.has(r.json.value)).toBe(true);
      expect(r.json.version).toBe(PER_KEY);
      ok++;
    }
    figures.blindKeysVerified = ok;
    const info = await api(base(), "GET", "/api/v1/stores/blind", { token });
    expect(info.json.entryCount).toBe(KEYS);
  });

  it(`${WRITERS} check-and-set writers over ${KEYS} keys: no two winners of a version`, async () => {
    const keys = Array.from({ length: KEYS }, () => keyHash());
    const wins: { k: number; version: number; value: string }[] = [];
    const statuses: Record<number, number> = {};
    const t0 = Date.now();
    await pool(WRITERS, IN_FLIGHT, async (i) => {
      const k = keyOf(i);
      const cur = await api(base(), "GET", entry("cas", keys[k]!), { token });
      const v = cur.status === 404 ? 0 : (cur.json.version as number);
      const value = `cas-${i}`;
      const r = await api(base(), "PUT", entry("cas", keys[k]!), { token, body: { value, ifVersion: v } });
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200) {
        expect(r.json.version).toBe(v + 1);
        wins.push({ k, version: r.json.version, value });
      } else expect(r.json.error.code).toBe("VERSION_CONFLICT");
    });
    figures.casSeconds = (Date.now() - t0) / 1000;
    figures.casStatuses = statuses;
    const seen = new Set<string>();
    let duplicates = 0;
    for (const w of wins) {
      const id = `${w.k}:${w.version}`;
      if (seen.has(id)) duplicates++;
      seen.add(id);
    }
    figures.casWins = wins.length;
    figures.casDuplicateWins = duplicates;
    expect(duplicates).toBe(0);
    for (let k = 0; k < KEYS; k++) {
      const mine = wins.filter((w) => w.k === k).sort((a, b) => a.version - b.version);
      const r = await api(base(), "GET", entry("cas", keys[k]!), { token });
      // Versions 1..n each won exactly once; the stored value is version n's.
      expect(mine.map((w) => w.version)).toEqual(Array.from({ length: mine.length }, (_, j) => j + 1));
      expect(r.json).toMatchObject({ version: mine.length, value: mine[mine.length - 1]!.value });
    }
    // ifVersion 0 races: exactly one creator per key.
    const fresh = Array.from({ length: KEYS }, () => keyHash());
    const creates = await pool(WRITERS, IN_FLIGHT, (i) =>
      api(base(), "PUT", entry("cas", fresh[keyOf(i)]!), { token, body: { value: `c-${i}`, ifVersion: 0 } }).then((r) => r.status),
    );
    const created = creates.filter((s) => s === 200).length;
    figures.ifVersion0Creates = created;
    expect(created).toBe(KEYS);
    expect(creates.filter((s) => s !== 200 && s !== 409)).toEqual([]);
  });

  it("mixed creates, overwrites, deletes and batches: counts exact, zero drift", async () => {
    const keys = Array.from({ length: KEYS }, () => keyHash());
    const r = prng(instances * 31 + (provider === "sqlite" ? 1 : 2));
    const ops = Array.from({ length: WRITERS }, () => r.int(0, 9));
    const picks = Array.from({ length: WRITERS }, () => Array.from({ length: 5 }, () => keys[r.int(0, KEYS - 1)]!));
    const statuses: Record<string, number> = {};
    const unexpected: string[] = [];
    await pool(WRITERS, IN_FLIGHT, async (i) => {
      const op = ops[i]!;
      const [k] = picks[i]!;
      let res;
      if (op < 4) res = await api(base(), "PUT", entry("churn", k!), { token, body: { value: `m-${i}` } });
      else if (op < 7) res = await api(base(), "DELETE", entry("churn", k!), { token });
      else if (op < 9) {
        const uniq = [...new Set(picks[i]!)];
        res = await api(base(), "POST", "/api/v1/stores/churn/entries/batch-set", { token, body: { entries: uniq.map((key) => ({ key, value: `b-${i}` })) } });
      } else res = await api(base(), "PUT", entry("churn", k!), { token, body: { value: `e-${i}`, expiresAt: new Date(Date.now() - 1000).toISOString() } });
      const tag = `${["put", "put", "put", "put", "del", "del", "del", "batch", "batch", "expired"][op]}:${res.status}`;
      statuses[tag] = (statuses[tag] ?? 0) + 1;
      if (![200, 404, 400].includes(res.status)) unexpected.push(`${tag} ${res.text.slice(0, 200)}`);
    });
    figures.mixedStatuses = statuses;
    figures.mixedUnexpected = unexpected.length;
    if (unexpected.length) {
      figures.mixedUnexpectedSample = unexpected.slice(0, 5);
      figures.serverErrors = cluster.logs().split("\n").filter((l) => /"level":"error"|Error|⨯/.test(l)).slice(0, 8);
    }
    // Live entries, as a client sees them.
    let live = 0;
    for (let i = 0; i < KEYS; i += 100) {
      const b = await api(base(), "POST", "/api/v1/stores/churn/entries/batch-get", { token, body: { keys: keys.slice(i, i + 100) } });
      expect(b.status).toBe(200);
      live += Object.values(b.json.entries).filter((e) => e !== null).length;
    }
    const info = await api(base(), "GET", "/api/v1/stores/churn", { token });
    figures.mixedLive = live;
    figures.mixedEntryCount = info.json.entryCount;
    expect(info.json.entryCount).toBe(live);
    const drift = await reconcileCounts(false);
    figures.reconcileDrift = drift.length;
    expect(drift).toEqual([]);
    expect(unexpected).toEqual([]);
  });
}

