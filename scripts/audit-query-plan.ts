// Seeds N audit events (default 1,000,000) into a fresh database, then runs
// the read path's queries (lib/audit: the dashboard's filters, the SDK's
// access log, the admin's security events, a deep page) and prints, for
// each, its median time over repeated runs and the database's plan.
//
//   npm run bench:audit-query                      # both databases, 1,000,000 events
//   npm run bench:audit-query -- --only sqlite --events 200000
//
// PostgreSQL comes from BENCH_PG_URL / TEST_PG_URL (default the local
// trust-auth server); the database is created and dropped.
import { freshDatabase, postgresReachable, type Provider } from "../bench/lib/databases";
import { closeDb, getDbTarget, getPgPool, getSqliteConnection } from "../lib/db/client";
import { resetConfigForTests } from "../lib/config";
import { prepareDatabase } from "../lib/startup";
import { resetProcessSingletons } from "../lib/singleton";
import { newEventId } from "../lib/audit/ids";
import { explainQuery, insertEvents, type AuditRow } from "../lib/audit/repo";
import { queryAuditEvents } from "../lib/audit/query";
import { actionsIn } from "../lib/audit/actions";
import type { AuditFilter } from "../lib/audit/types";

type Args = { events: number; only: Provider[]; runs: number };

function parseArgs(argv: string[]): Args {
  const args: Args = { events: 1_000_000, only: ["sqlite", "postgres"], runs: 25 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i] ?? "";
    if (a === "--events") args.events = Number(v());
    else if (a === "--only") args.only = v().split(",") as Provider[];
    else if (a === "--runs") args.runs = Number(v());
    else throw new Error(`unknown flag ${a}`);
  }
  return args;
}

// A deterministic generator, so both databases get the same events.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROJECTS = ["proj_main_000000000000000", "proj_other_00000000000000", "proj_third_00000000000000"];
const STORES = ["oauth-tokens", "api-keys", "webhooks", "sessions", "recovery"];
const KEYS = ["key_app_prod_0000000000000", "key_app_stage_000000000000", "key_worker_00000000000000", "key_cron_0000000000000000", "key_audit_0000000000000000", "key_readonly_0000000000000"];
const HASH_COUNT = 20_000;

function keyHashOf(i: number): string {
  return Buffer.from(`kh-${i}`.padEnd(32, "~")).toString("base64url");
}

function* seedRows(total: number, days: number): Generator<AuditRow> {
  const random = rng(13);
  const now = Date.now();
  const start = now - days * 86_400_000;
  const step = (now - start) / total;
  for (let i = 0; i < total; i++) {
    const at = new Date(start + i * step);
    const r = random();
    const projectId = r < 0.8 ? PROJECTS[0]! : r < 0.95 ? PROJECTS[1]! : PROJECTS[2]!;
    const admin = random() < 0.001;
    if (admin) {
      yield { id: newEventId(at), createdAt: at, action: random() < 0.5 ? "store.create" : "server_key.create", result: "ok", status: null, actorType: "user", actorId: "user_owner_000000000000000", projectId, storeId: STORES[Math.floor(random() * STORES.length)]!, keyHash: null, operation: null, target: "x", clientAddress: null, requestId: null };
      continue;
    }
    const o = random();
    const [action, operation] = o < 0.7 ? ["entry.read", "getEntry"] : o < 0.9 ? ["entry.write", "putEntry"] : o < 0.97 ? ["entry.read", "batchGetEntries"] : ["entry.delete", "deleteEntry"];
    const q = random();
    const [result, status] = q < 0.9 ? ["ok", 200] : q < 0.97 ? ["miss", 404] : q < 0.99 ? ["denied", 403] : ["rate_limited", 429];
    yield {
      id: newEventId(at),
      createdAt: at,
      action,
      result,
      status,
      actorType: "server_key",
      actorId: KEYS[Math.floor(random() * KEYS.length)]!,
      projectId,
      storeId: STORES[Math.floor(random() * random() * STORES.length)]!,
      keyHash: keyHashOf(Math.floor(random() * HASH_COUNT)),
      operation,
      target: null,
      clientAddress: `10.0.${Math.floor(random() * 4)}.${Math.floor(random() * 250)}`,
      requestId: `req-${i}`,
    };
  }
}

async function seed(total: number): Promise<number> {
  const t0 = Date.now();
  let batch: AuditRow[] = [];
  let done = 0;
  for (const row of seedRows(total, 90)) {
    batch.push(row);
    if (batch.length === 5000) {
      await insertEvents(batch);
      done += batch.length;
      batch = [];
      if (done % 100_000 === 0) process.stderr.write(`  ${done.toLocaleString("en")} events, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  }
  await insertEvents(batch);
  return (Date.now() - t0) / 1000;
}

async function analyze(): Promise<void> {
  if (getDbTarget().provider === "postgres") {
    await getPgPool().query(`ANALYZE "AuditEvent"`);
    return;
  }
  const gate = await getSqliteConnection();
  await gate.runExclusive((c) => c.exec("ANALYZE"));
}

async function sizeMb(): Promise<number> {
  if (getDbTarget().provider === "postgres") {
    const { rows } = await getPgPool().query<{ n: string }>(`SELECT pg_total_relation_size('"AuditEvent"') AS n`);
    return Number(rows[0]!.n) / 1024 / 1024;
  }
  const gate = await getSqliteConnection();
  return gate.runExclusive((c) => {
    const page = Number(c.pragma("page_size", { simple: true }));
    const count = Number(c.pragma("page_count", { simple: true }));
    return (page * count) / 1024 / 1024;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  process.env.VAULT_LOG = "off";
  const rows: string[][] = [];
  for (const provider of args.only) {
    if (provider === "postgres" && !(await postgresReachable())) {
      console.log(`postgres: not reachable, skipped`);
      continue;
    }
    const db = await freshDatabase(provider, "dv-audit-plan");
    try {
      Object.assign(process.env, db.env);
      resetProcessSingletons();
      resetConfigForTests();
      await closeDb();
      await prepareDatabase();
      console.log(`\n== ${provider}: seeding ${args.events.toLocaleString("en")} events`);
      const seconds = await seed(args.events);
      await analyze();
      console.log(`seeded in ${seconds.toFixed(0)} s (${Math.round(args.events / seconds).toLocaleString("en")} events/s through the batch insert); table and indexes ${(await sizeMb()).toFixed(0)} MB`);

      const middle = (await queryAuditEvents({ projectId: PROJECTS[0] }, { limit: 1 })).events[0]!.id;
      const deep = `${(parseInt(middle.slice(0, 12), 16) - 45 * 86_400_000).toString(16).padStart(12, "0")}ffffffffffffffff`;
      const day = new Date(Date.now() - 86_400_000);
      const cases: { name: string; filter: AuditFilter; cursor?: string; limit: number }[] = [
        { name: "project page (no filter)", filter: { projectId: PROJECTS[0] }, limit: 50 },
        { name: "store", filter: { projectId: PROJECTS[0], storeId: "api-keys" }, limit: 50 },
        { name: "SDK access log (store + key hash)", filter: { projectId: PROJECTS[0], storeId: "oauth-tokens", keyHash: keyHashOf(4242) }, limit: 100 },
        { name: "action, rare (store.create)", filter: { projectId: PROJECTS[0], actions: ["store.create"] }, limit: 50 },
        { name: "actor (one server key)", filter: { projectId: PROJECTS[0], actorId: KEYS[5] }, limit: 50 },
        { name: "result, rare (denied)", filter: { projectId: PROJECTS[0], result: "denied" }, limit: 50 },
        { name: "store + action + last 24 h", filter: { projectId: PROJECTS[0], storeId: "oauth-tokens", actions: ["entry.write"], since: day }, limit: 50 },
        { name: "deep page (45 days back)", filter: { projectId: PROJECTS[0] }, cursor: deep, limit: 50 },
        { name: "admin: security events", filter: { actions: actionsIn("security") }, limit: 50 },
        { name: "no match (unknown key hash)", filter: { projectId: PROJECTS[0], storeId: "oauth-tokens", keyHash: keyHashOf(HASH_COUNT + 1) }, limit: 100 },
      ];
      for (const c of cases) {
        const times: number[] = [];
        let count = 0;
        for (let i = 0; i < args.runs + 3; i++) {
          const t = performance.now();
          const page = await queryAuditEvents(c.filter, { cursor: c.cursor ?? null, limit: c.limit });
          const ms = performance.now() - t;
          if (i >= 3) times.push(ms);
          count = page.events.length;
        }
        const plan = await explainQuery(c.filter, c.cursor ?? null, c.limit + 1);
        rows.push([provider, c.name, String(count), median(times).toFixed(2), Math.max(...times).toFixed(2)]);
        console.log(`\n-- ${c.name}: ${count} events, median ${median(times).toFixed(2)} ms, worst ${Math.max(...times).toFixed(2)} ms over ${args.runs} runs`);
        console.log(plan.split("\n").map((l) => `   ${l}`).join("\n"));
      }
    } finally {
      await closeDb();
      await db.drop().catch(() => undefined);
    }
  }
  console.log(`\n| database | query | events | median ms | worst ms |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
}

await main();
