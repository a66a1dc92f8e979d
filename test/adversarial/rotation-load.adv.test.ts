// Rotation under load: master-key rotation (in this process) and the rewrap
// (in a separate process against the server's database, as the CLI would)
// while 32 clients read and write through the production server: 28 over
// the raw API with precomputed key hashes and 4 through the SDK. Zero failed
// reads, zero failed writes, every read returns the client's last write, and
// afterwards every entry is under the primary key and counts reconcile.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { reconcileCounts } from "@/lib/vault/entries";
import { getPrimaryKey, rotateMasterKey } from "@/lib/vault/keyring";
import { DataVaultClient } from "@/sdk/src/index";
import { api, FULL, LOAD_ENV, pool, record, scaled, sleep, startCluster, type Cluster } from "./harness";

/**
 * The rewrap in its own process (as the CLI or another instance runs it), so
 * its synchronous SQLite calls do not stall this process's clients.
 */
function rewrapInChild(): Promise<{ ran: boolean; processed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "test/scripts/run-rewrap.ts"], {
      env: { ...process.env, BATCH: "100", VAULT_LOG: "off" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!)) : reject(new Error(`rewrap exited ${code}: ${out}`))));
  });
}

function rotationUnderLoad(provider: Provider) {
  let cluster: Cluster;
  let token: string;

  beforeAll(async () => {
    // Background jobs off: the server's own job starts a rewrap (each minute)
    // while an old version is active; a tick between a rotation and the child
    // taking the lease would leave the child { ran: false }, failing the test
    // on which of the two runners won. The child is the runner under test.
    cluster = await startCluster(provider, 1, { ...LOAD_ENV, VAULT_BACKGROUND_JOBS: "off" });
    const { project } = await makeProject();
    ({ token } = await makeStoreAndKey(project.id, "hot"));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("32 clients read and write while the master key rotates and entries are rewrapped: zero failed reads", async () => {
    const seconds = scaled(15, 90);
    const rotations = scaled(2, 5);
    const seed = scaled(1_000, 10_000);
    // Background entries, so each rewrap has real work.
    const bg = Array.from({ length: seed }, () => keyHash());
    await pool(Math.ceil(seed / 100), 8, (b) =>
      api(cluster.url, "POST", "/api/v1/stores/hot/entries/batch-set", { token, body: { entries: bg.slice(b * 100, b * 100 + 100).map((key, i) => ({ key, value: `bg-${b}-${i}` })) } }),
    );
    const tally = { reads: 0, writes: 0, failedReads: 0, failedWrites: 0, staleReads: 0, sdkReads: 0, sdkWrites: 0 };
    const failures: string[] = [];
    let stop = false;
    const rawClient = async (c: number) => {
      const mine = Array.from({ length: 8 }, () => keyHash());
      const last = new Map<string, string>();
      let seq = 0;
      while (!stop) {
        const k = mine[seq % mine.length]!;
        const value = `c${c}-${seq++}`;
        const w = await api(cluster.url, "PUT", `/api/v1/stores/hot/entries/${k}`, { token, body: { value } }).catch((e: Error) => ({ status: 0, text: e.message }) as never);
        tally.writes++;
        if (w.status !== 200) {
          tally.failedWrites++;
          failures.push(`write ${w.status} ${String(w.text).slice(0, 120)}`);
        } else last.set(k, value);
        for (const rk of [k, bg[(c * 7919 + seq) % bg.length]!]) {
          const r = await api(cluster.url, "GET", `/api/v1/stores/hot/entries/${rk}`, { token }).catch((e: Error) => ({ status: 0, text: e.message }) as never);
          tally.reads++;
          if (r.status !== 200) {
            tally.failedReads++;
            failures.push(`read ${r.status} ${String(r.text).slice(0, 120)}`);
          } else if (last.has(rk) && r.json.value !== last.get(rk)) tally.staleReads++;
        }
      }
    };
    const secret = `S-${randomBytes(24).toString("base64url")}`;
    const sdkClient = async (c: number) => {
      const store = new DataVaultClient({ baseUrl: cluster.url, serverKey: token, retries: 0 }).getDataVaultStore("hot");
      let seq = 0;
      while (!stop) {
        const key = `sdk-${c}-${seq % 4}`;
        const value = `sdk-value-${c}-${seq++}`;
        try {
          await store.setValue(key, value, { secret });
          tally.sdkWrites++;
        } catch (e) {
          tally.failedWrites++;
          failures.push(`sdk write ${(e as Error).message}`);
          continue;
        }
        try {
          const got = await store.getValue(key, { secret });
          tally.sdkReads++;
          if (got !== value) tally.staleReads++;
        } catch (e) {
          tally.failedReads++;
          failures.push(`sdk read ${(e as Error).message}`);
        }
      }
    };
    const clients = [...Array.from({ length: 28 }, (_, c) => rawClient(c)), ...Array.from({ length: 4 }, (_, c) => sdkClient(c))];
    const t0 = Date.now();
    const rotationLog: { version: number; rewrapMs: number }[] = [];
    for (let i = 0; i < rotations; i++) {
      await sleep(Math.max(0, ((seconds * 1000) / (rotations + 1)) * (i + 1) - (Date.now() - t0)));
      const { version } = await rotateMasterKey(TEST_ACTOR);
      const r0 = Date.now();
      const out = await rewrapInChild();
      expect(out).toMatchObject({ ran: true });
      rotationLog.push({ version, rewrapMs: Date.now() - r0 });
    }
    await sleep(Math.max(0, seconds * 1000 - (Date.now() - t0)));
    stop = true;
    await Promise.all(clients);
    // Straggler writes by the server before it saw the newest primary: one more pass.
    await sleep(2_500);
    await rewrapInChild();
    const primary = await getPrimaryKey();
    const behind = await getDb().entry.count({ where: { masterKeyVersion: { lt: primary.version } } });
    const keys = await getDb().masterKey.findMany({ select: { version: true, state: true } });
    const drift = await reconcileCounts(false);
    record(`rotation-load-${provider}`, { seconds, clients: 32, rotations: rotationLog, ...tally, firstFailures: failures.slice(0, 5), serverErrors: cluster.logs().split("\n").filter((l) => /"level":"(error|warn)"|⨯/.test(l)).slice(0, 6), entriesBehindPrimary: behind, masterKeys: keys, drift: drift.length });
    expect(tally.reads).toBeGreaterThan(FULL ? 3_000 : 300);
    expect(tally.failedReads).toBe(0);
    expect(tally.failedWrites).toBe(0);
    expect(tally.staleReads).toBe(0);
    expect(behind).toBe(0);
    expect(drift).toEqual([]);
  });
}

describe("rotation under load [sqlite]", () => rotationUnderLoad("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("rotation under load [postgres]", () => rotationUnderLoad("postgres"));
