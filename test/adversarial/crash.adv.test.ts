// Crashes: kill -9 of the production server during sustained writes, and of
// a separate rewrap process (plus the server) in the middle of a rewrap.
// After restart: every entry reads back (nothing corrupt), every key holds
// its last acknowledged value or one whose outcome was unknown when the
// crash hit (never anything else), counts reconcile with zero drift, and the
// rewrap resumes from its cursor and finishes.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { createStore } from "@/lib/vault/stores";
import { reconcileCounts } from "@/lib/vault/entries";
import { getPrimaryKey, rotateMasterKey } from "@/lib/vault/keyring";
import { resetProcessSingletons } from "@/lib/singleton";
import { runRewrap } from "@/lib/vault/rewrap";
import { api, FULL, LOAD_ENV, pool, prng, record, scaled, sleep, startCluster, type Cluster } from "./harness";

type KeyState = { acked: string | null; uncertain: Set<string | null> };

/** Reads every key in batches of 100: counts 500s (corrupt) and values outside the allowed set. */
async function verifyAll(url: string, token: string, store: string, state: Map<string, KeyState>) {
  const keys = [...state.keys()];
  let corrupt = 0;
  let wrong = 0;
  let live = 0;
  for (let i = 0; i < keys.length; i += 100) {
    const chunk = keys.slice(i, i + 100);
    const r = await api(url, "POST", `/api/v1/stores/${store}/entries/batch-get`, { token, body: { keys: chunk } });
    if (r.status !== 200) {
      // Find the bad ones one by one.
      for (const k of chunk) if ((await api(url, "GET", `/api/v1/stores/${store}/entries/${k}`, { token })).status >= 500) corrupt++;
      continue;
    }
    for (const k of chunk) {
      const got = (r.json.entries[k]?.value as string | undefined) ?? null;
      if (got !== null) live++;
      const s = state.get(k)!;
      if (got !== s.acked && !s.uncertain.has(got)) wrong++;
    }
  }
  return { corrupt, wrong, live };
}

function crashes(provider: Provider) {
  let cluster: Cluster;
  let token: string;

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, LOAD_ENV);
    const { project } = await makeProject();
    ({ token } = await makeStoreAndKey(project.id, "crash"));
    await createStore(project.id, { storeId: "rewrap", displayName: "rewrap" }, TEST_ACTOR);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("kill -9 during sustained writes: nothing corrupt, acknowledged writes kept, zero drift", async () => {
    const kills = scaled(3, 8);
    const writers = 16;
    const r = prng(provider === "sqlite" ? 11 : 12);
    const state = new Map<string, KeyState>();
    const perWriter = Array.from({ length: writers }, () => Array.from({ length: 20 }, () => keyHash()));
    for (const ks of perWriter) for (const k of ks) state.set(k, { acked: null, uncertain: new Set() });
    let stop = false;
    const tally = { attempted: 0, acked: 0, failed: 0 };
    const loop = async (w: number) => {
      const wr = prng(1000 + w);
      let seq = 0;
      while (!stop) {
        const k = perWriter[w]![wr.int(0, 19)]!;
        const s = state.get(k)!;
        const del = wr.chance(0.25);
        const value = del ? null : `w${w}-${seq++}`;
        tally.attempted++;
        s.uncertain.add(value);
        try {
          const res = del
            ? await api(cluster.url, "DELETE", `/api/v1/stores/crash/entries/${k}`, { token })
            : await api(cluster.url, "PUT", `/api/v1/stores/crash/entries/${k}`, { token, body: { value } });
          if (res.status === 200 || (del && res.status === 404)) {
            s.acked = value;
            s.uncertain.clear();
            tally.acked++;
            continue;
          }
          tally.failed++;
        } catch {
          tally.failed++;
        }
        await sleep(50);
      }
    };
    const running = Array.from({ length: writers }, (_, w) => loop(w));
    const downtimes: number[] = [];
    for (let i = 0; i < kills; i++) {
      await sleep(r.int(800, 2500));
      const t = Date.now();
      await cluster.kill9(0);
      await sleep(r.int(50, 400));
      await cluster.start(0);
      downtimes.push(Date.now() - t);
    }
    await sleep(500);
    stop = true;
    await Promise.all(running);
    const v = await verifyAll(cluster.url, token, "crash", state);
    const drift = await reconcileCounts(false);
    const info = await api(cluster.url, "GET", "/api/v1/stores/crash", { token });
    record(`crash-writes-${provider}`, { kills, writers, ...tally, keys: state.size, ...v, entryCount: info.json.entryCount, drift: drift.length, downtimeMs: downtimes });
    expect(tally.acked).toBeGreaterThan(100);
    expect(v.corrupt).toBe(0);
    expect(v.wrong).toBe(0);
    expect(drift).toEqual([]);
    expect(info.json.entryCount).toBe(v.live);
  });

  it("kill -9 of the rewrap process and the server mid-rewrap: rewrap resumes and finishes, nothing corrupt", async () => {
    const n = scaled(3_000, 20_000);
    const keys = Array.from({ length: n }, () => keyHash());
    const state = new Map<string, KeyState>(keys.map((k, i) => [k, { acked: `seed-${i}`, uncertain: new Set() }]));
    await pool(Math.ceil(n / 100), 8, async (b) => {
      const res = await api(cluster.url, "POST", "/api/v1/stores/rewrap/entries/batch-set", {
        token,
        body: { entries: keys.slice(b * 100, b * 100 + 100).map((key) => ({ key, value: state.get(key)!.acked })) },
      });
      expect(res.status).toBe(200);
    });
    const { version: target } = await rotateMasterKey(TEST_ACTOR);
    const oldTotal = await getDb().entry.count({ where: { masterKeyVersion: { lt: target } } });

    // Light write traffic on the same entries meanwhile.
    let stop = false;
    const writer = async (w: number) => {
      const wr = prng(77 + w);
      let seq = 0;
      while (!stop) {
        // Writer w owns the keys with index ≡ w (mod 4): one writer per key,
        // so "last acknowledged" is well defined.
        const k = keys[wr.int(0, Math.floor(n / 4) - 1) * 4 + w]!;
        const s = state.get(k)!;
        const value = `rw${w}-${seq++}`;
        s.uncertain.add(value);
        try {
          const res = await api(cluster.url, "PUT", `/api/v1/stores/rewrap/entries/${k}`, { token, body: { value } });
          if (res.status === 200) {
            s.acked = value;
            s.uncertain.clear();
          }
        } catch {
          await sleep(50);
        }
      }
    };
    const writers = Array.from({ length: 4 }, (_, w) => writer(w));

    // The rewrap in its own process, killed (whole process group) once it is under way.
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "test/scripts/run-rewrap.ts"], {
      env: { ...process.env, BATCH: "25", VAULT_LOG: "off" },
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise((res) => child.once("exit", res));
    const killAt = Math.floor(oldTotal * 0.3);
    let processedAtKill = 0;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const job = await getDb().rewrapJob.findFirst({ where: { targetVersion: target } });
      if (job && job.processed >= killAt) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`rewrap process ended or stalled before the kill (exit ${child.exitCode})`);
      await sleep(20);
    }
    process.kill(-child.pid!, "SIGKILL");
    await cluster.kill9(0);
    await exited;
    const jobAtKill = (await getDb().rewrapJob.findFirst({ where: { targetVersion: target } }))!;
    processedAtKill = jobAtKill.processed;
    expect(jobAtKill.state).toBe("running");
    expect(processedAtKill).toBeLessThan(oldTotal);
    await cluster.start(0);

    // The dead holder's lease runs out after 30 s. Full mode waits for it;
    // short mode expires it in the database (the same state, sooner).
    const t0 = Date.now();
    if (!FULL) {
      await getDb().lease.updateMany({ where: { name: "rewrap" }, data: { expiresAt: new Date(0) } });
      resetProcessSingletons();
    }
    // The restarted server's own background job may take the lease first
    // and finish the work: either way, runRewrap answers true once it holds
    // the lease with nothing left to do.
    const resumeDeadline = Date.now() + 120_000;
    for (;;) {
      if (await runRewrap({ batchSize: 200, retireAfterMs: 0 })) break;
      if (Date.now() > resumeDeadline) throw new Error("the rewrap did not finish within 120 s of the restart");
      await sleep(FULL ? 1000 : 200);
    }
    const resumeMs = Date.now() - t0;
    stop = true;
    await Promise.all(writers);
    const jobs = await getDb().rewrapJob.findMany({ where: { targetVersion: target } });
    const primary = await getPrimaryKey();
    const behind = await getDb().entry.count({ where: { masterKeyVersion: { lt: primary.version } } });
    const v = await verifyAll(cluster.url, token, "rewrap", state);
    const drift = await reconcileCounts(false);
    record(`crash-rewrap-${provider}`, {
      entries: n,
      underOldKeyAtRotation: oldTotal,
      processedAtKill,
      jobs: jobs.map((j) => ({ state: j.state, processed: j.processed, total: j.total })),
      resumeMs,
      leaseExpiry: FULL ? "waited for it" : "expired in the database",
      entriesStillUnderOldKey: behind,
      ...v,
      drift: drift.length,
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.state).toBe("done");
    expect(jobs[0]!.processed).toBeGreaterThanOrEqual(processedAtKill);
    expect(behind).toBe(0);
    expect(v.corrupt).toBe(0);
    expect(v.wrong).toBe(0);
    expect(v.live).toBe(n);
    expect(drift).toEqual([]);
  });
}

describe("crashes [sqlite]", () => crashes("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("crashes [postgres]", () => crashes("postgres"));
