// Compromise recovery against a running production server (issue 10,
// finding 8), on SQLite and PostgreSQL: the "leaked root key" procedure
// (docs/operations.md) with the admin CLI while clients keep reading and
// writing; the server restarted once with the new root key. Afterwards an
// old root key plus a new backup opens nothing (no master key, no data key,
// no value, no server-key hash), not even with the master keys it opened
// from the old backup; a server key minted in the database with the old
// root key's derivation authenticates nothing; every entry reads back
// through the server as last written; the server key keeps working.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { cli } from "@/test/cli";
import { NOTHING, openMasterKeys, reach, takeBackup } from "@/test/compromise";
import { getDb } from "@/lib/db/client";
import { getRootKey } from "@/lib/vault/root-key";
import { deriveTokenHashKeys, storedForm, tokenDigest } from "@/lib/server-keys/token-hash-format";
import { newToken } from "@/lib/server-keys/token";
import { api, LOAD_ENV, pool, record, scaled, sleep, startCluster, type Cluster } from "./harness";

function recovery(provider: Provider) {
  let cluster: Cluster;
  let token: string;
  let projectId: string;

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, LOAD_ENV);
    ({ project: { id: projectId } } = await makeProject());
    ({ token } = await makeStoreAndKey(projectId, "s"));
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("the leaked-root-key procedure under traffic: afterwards the old root key opens nothing in a new backup", async () => {
    const n = scaled(300, 3_000);
    const keys = Array.from({ length: n }, keyHash);
    const last = new Map<string, string>();
    await pool(Math.ceil(n / 100), 8, async (b) => {
      const entries = keys.slice(b * 100, b * 100 + 100).map((key) => ({ key, value: `v0-${key}` }));
      const r = await api(cluster.url, "POST", "/api/v1/stores/s/entries/batch-set", { token, body: { entries } });
      expect(r.status).toBe(200);
      for (const e of entries) last.set(e.key, e.value);
    });
    const oldRoot = getRootKey();
    const oldBackup = await takeBackup();
    const stolen = openMasterKeys(oldBackup, oldRoot);
    expect(reach(oldBackup, oldRoot, { tokens: [token] })).toMatchObject({ valuesOpened: n, tokenHashesReproduced: 1 });

    // Clients write and read throughout (a restart aside). A write whose
    // answer was lost (the server killed mid-request: status 0) may or may
    // not have committed, so its value is also accepted for that key until
    // an acknowledged write follows.
    const tally = { writes: 0, reads: 0, failed: 0, wrong: 0, duringRestart: 0, unknownOutcome: 0 };
    const maybe = new Map<string, Set<string>>();
    const expected = (k: string, value: unknown) => value === last.get(k) || (typeof value === "string" && (maybe.get(k)?.has(value) ?? false));
    let stop = false;
    let restarting = false;
    const CLIENTS = 4;
    const client = async (c: number) => {
      for (let seq = 0; !stop; seq++) {
        // Client c owns the keys with index ≡ c (mod CLIENTS): one writer per key, so "last written" is
        // well defined (two clients on one key could see each other's write before its answer arrives).
        const k = keys[((c * 101 + seq * 7) % (n / CLIENTS)) * CLIENTS + c]!;
        const value = `c${c}-${seq}`;
        const w = await api(cluster.url, "PUT", `/api/v1/stores/s/entries/${k}`, { token, body: { value } }).catch(() => ({ status: 0 }) as never);
        if (w.status === 200) {
          tally.writes++;
          last.set(k, value);
          maybe.delete(k);
        } else if (restarting || w.status === 0 || w.status === 401) {
          tally.duringRestart++;
          if (w.status === 0) {
            tally.unknownOutcome++;
            maybe.set(k, (maybe.get(k) ?? new Set()).add(value));
          }
        } else tally.failed++;
        const g = await api(cluster.url, "GET", `/api/v1/stores/s/entries/${k}`, { token }).catch(() => ({ status: 0 }) as never);
        if (g.status === 200) {
          tally.reads++;
          if (!expected(k, g.json.value)) tally.wrong++;
        } else if (restarting || g.status === 0 || g.status === 401) tally.duringRestart++;
        else tally.failed++;
        await sleep(5);
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));

    // 1. New root key, then restart the server with it.
    const newRootB64 = randomBytes(32).toString("base64");
    const env: Record<string, string> = {};
    if (provider === "postgres") {
      const file = path.join(cluster.dataDir, "new-root.key");
      writeFileSync(file, `${newRootB64}\n`, { mode: 0o600 });
      const rotated = await cli(["root-key", "rotate", "--new-key-file", file, "--json"]);
      expect(rotated.code, rotated.stderr + rotated.stdout).toBe(0);
      env.VAULT_ROOT_KEY = newRootB64;
    } else {
      const rotated = await cli(["root-key", "rotate", "--generate", "--write-key-file", "--json"]);
      expect(rotated.code, rotated.stderr + rotated.stdout).toBe(0);
    }
    restarting = true;
    await cluster.kill9(0);
    await cluster.start(0, env);
    restarting = false;
    // 2-4. New master key, rewrap, purge, with the server serving. The restarted
    // server resumes a rewrap on its own (its first check is a second after it
    // starts, then every minute): when it holds the lease, a plain `rewrap`
    // does nothing and the purge finds nothing retired yet, so wait for it.
    for (const args of [["master-key", "rotate"], ["rewrap", "--wait"], ["master-key", "purge", "--yes"]]) {
      const r = await cli([...args, "--json"], { env });
      expect(r.code, `${args.join(" ")}: ${r.stderr}${r.stdout}`).toBe(0);
    }
    // Wait for any write that raced the rewrap (an instance still on the old primary), then one more pass.
    await sleep(2_500);
    stop = true;
    await Promise.all(clients);
    const again = await cli(["rewrap", "--wait", "--json"], { env });
    expect(again.code, again.stderr + again.stdout).toBe(0);
    const purge = await cli(["master-key", "purge", "--yes", "--json"], { env });
    expect(purge.code, purge.stderr + purge.stdout).toBe(0);

    const newBackup = await takeBackup();
    const after = reach(newBackup, oldRoot, { masterKeys: stolen, tokens: [token] });
    const newRoot = provider === "postgres" ? Buffer.from(newRootB64, "base64") : Buffer.from(readFileSync(path.join(cluster.dataDir, "root.key"), "utf8").trim(), "base64");
    const withNew = reach(newBackup, newRoot, { tokens: [token] });

    // A key minted in the database with the old root key's derivation: refused.
    const forged = newToken();
    await getDb().serverKey.create({ data: { projectId, name: "forged", ...storedForm(deriveTokenHashKeys(oldRoot), tokenDigest(forged)), displayPrefix: "dvk_forged" } as never });
    const forgedGet = await api(cluster.url, "GET", `/api/v1/stores/s/entries/${keys[0]}`, { token: forged });
    const forgedPut = await api(cluster.url, "PUT", `/api/v1/stores/s/entries/${keys[0]}`, { token: forged, body: { value: "forged" } });

    let mismatched = 0;
    for (let i = 0; i < n; i += 100) {
      const chunk = keys.slice(i, i + 100);
      const r = await api(cluster.url, "POST", "/api/v1/stores/s/entries/batch-get", { token, body: { keys: chunk } });
      expect(r.status).toBe(200);
      for (const k of chunk) if (!expected(k, r.json.entries[k]?.value)) mismatched++;
    }
    record(`compromise-${provider}`, { entries: n, oldRootReachAfter: after, newRootReach: withNew, masterKeysAfter: newBackup.masterKeys.map((k) => `v${k.version}:${k.state}`), forged: [forgedGet.status, forgedPut.status], mismatched, ...tally });

    expect(after).toEqual(NOTHING);
    expect(withNew).toMatchObject({ masterKeysOpened: 1, valuesOpened: n, tokenHashesReproduced: 1 });
    expect(newBackup.masterKeys).toHaveLength(1);
    expect(forgedGet.status).toBe(401);
    expect(forgedPut.status).toBe(401);
    expect(mismatched).toBe(0);
    expect(tally.failed).toBe(0);
    expect(tally.wrong).toBe(0);
    expect(tally.reads).toBeGreaterThan(0);
  });
}

describe("compromise recovery [sqlite]", () => recovery("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!pgUp)("compromise recovery [postgres]", () => recovery("postgres"));
