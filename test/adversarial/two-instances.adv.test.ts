// Two app instances (two production servers, as npm start runs them) on one PostgreSQL database
// with the same DATA_DIR and VAULT_ROOT_KEY, clients alternating between
// them on every request: the concurrency guarantees (concurrency-suite.ts:
// last write wins among real writes, check-and-set unique winners, exact
// counts), read-your-writes across instances, a rotation seen by both, and
// revocation effective on both within VAULT_KEY_CACHE_SECONDS.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { createServerKey, revokeServerKey } from "@/lib/server-keys/service";
import { rotateMasterKey } from "@/lib/vault/keyring";
import { reconcileCounts } from "@/lib/vault/entries";
import { api, pool, record, scaled, sleep, startCluster, type Cluster } from "./harness";
import { concurrencySuite } from "./concurrency-suite";

const pgUp = await postgresReachable();
const CACHE_SECONDS = 2;

describe.skipIf(!pgUp)("two instances on one PostgreSQL: concurrency", () => concurrencySuite("postgres", 2));

describe.skipIf(!pgUp)("two instances on one PostgreSQL: consistency and revocation", () => {
  let cluster: Cluster;
  let token: string;
  let projectId: string;
  const figures: Record<string, unknown> = {};
  const at = (i: number) => cluster.instances[i % 2]!.url;

  beforeAll(async () => {
    cluster = await startCluster("postgres", 2, { VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_KEY_CACHE_SECONDS: String(CACHE_SECONDS) });
    ({ project: { id: projectId } } = await makeProject());
    ({ token } = await makeStoreAndKey(projectId, "shared"));
  });
  afterAll(async () => {
    record("two-instances-postgres", figures);
    await cluster?.stop();
  });

  it("a write on one instance is read on the other at once, through a rotation", async () => {
    const n = scaled(300, 2_000);
    let mismatches = 0;
    let rotatedAt = -1;
    await pool(n, 16, async (i) => {
      if (i === Math.floor(n / 2)) {
        rotatedAt = i;
        await rotateMasterKey(TEST_ACTOR);
      }
      const k = keyHash();
      const w = await api(at(i), "PUT", `/api/v1/stores/shared/entries/${k}`, { token, body: { value: `x-${i}` } });
      expect(w.status).toBe(200);
      const r = await api(at(i + 1), "GET", `/api/v1/stores/shared/entries/${k}`, { token });
      if (r.status !== 200 || r.json.value !== `x-${i}`) mismatches++;
    });
    figures.crossInstanceWrites = n;
    figures.crossInstanceMismatches = mismatches;
    figures.rotatedAfterWrite = rotatedAt;
    expect(mismatches).toBe(0);
    const info = await Promise.all([0, 1].map((i) => api(at(i), "GET", "/api/v1/stores/shared", { token })));
    expect(info[0]!.json.entryCount).toBe(n);
    expect(info[1]!.json.entryCount).toBe(n);
    expect(await reconcileCounts(false)).toEqual([]);
  });

  it(`a revoked key is refused by both instances within VAULT_KEY_CACHE_SECONDS (${CACHE_SECONDS} s)`, async () => {
    const { token: t, key } = await createServerKey(projectId, { name: "to revoke", stores: null, readOnly: false }, TEST_ACTOR);
    const k = keyHash();
    // Warm both instances' caches.
    for (let i = 0; i < 4; i++) expect((await api(at(i), "PUT", `/api/v1/stores/shared/entries/${k}`, { token: t, body: { value: `r-${i}` } })).status).toBe(200);
    const revokedAt = Date.now();
    await revokeServerKey(projectId, key.id, TEST_ACTOR);
    const refusedAfter: number[] = [];
    let writesAfterWindow = 0;
    for (const i of [0, 1]) {
      for (;;) {
        // Timed from when the request is sent, not when its answer arrives: on a busy machine a
        // write sent inside the window may be answered after it, and that is no fault.
        const sentAt = Date.now() - revokedAt;
        const r = await api(at(i), "PUT", `/api/v1/stores/shared/entries/${k}`, { token: t, body: { value: "after-revoke" } });
        if (r.status === 401) {
          refusedAfter.push(sentAt);
          break;
        }
        if (sentAt > CACHE_SECONDS * 1000 + 250) writesAfterWindow++;
        if (sentAt > 15_000) break;
        await sleep(50);
      }
    }
    // And it stays refused everywhere.
    const later = await Promise.all([0, 1, 2, 3].map((i) => api(at(i), "GET", `/api/v1/stores/shared/entries/${k}`, { token: t })));
    figures.revocationRefusedAfterMs = refusedAfter;
    figures.revocationWritesAcceptedAfterWindow = writesAfterWindow;
    expect(refusedAfter).toHaveLength(2);
    // Every write sent after the window was refused (the first refusal may come later than the
    // window only when the write before it was sent inside the window and answered slowly).
    expect(writesAfterWindow).toBe(0);
    expect(later.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    for (const r of later) expect(r.text).not.toContain(t);
  });
});
