// The cost of the per-request session check (the session row with its
// account) against the account lookup it replaced, in-process on SQLite.
// Run: npx tsx --conditions=react-server test/scripts/session-check-cost.ts
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
const dir = mkdtempSync(path.join(tmpdir(), "dv-res-"));
process.env.DATA_DIR = dir; process.env.DATABASE_URL = `file:${path.join(dir, "vault.db")}`; process.env.VAULT_LOG = "off";
const { prepareDatabase } = await import("@/lib/startup");
const { getDb } = await import("@/lib/db/client");
const { startSession, resolveSession } = await import("@/lib/auth/sessions");
await prepareDatabase();
const u = await getDb().user.create({ data: { email: "x@example.com" } });
const token = await startSession(u.id, { method: "password", address: "x" });
for (let i = 0; i < 200; i++) { await resolveSession(token); await getDb().user.findUnique({ where: { id: u.id } }); }
const { createHash } = await import("node:crypto");
const h = createHash("sha256").update(token).digest("hex");
const N = 300;
const res: { resolve: number[]; user: number[]; sessionOnly: number[]; sessionInclude: number[] } = { resolve: [], user: [], sessionOnly: [], sessionInclude: [] }; // ms per call
for (let r = 0; r < 5; r++) {
  let t = performance.now(); for (let i = 0; i < N; i++) await resolveSession(token); res.resolve.push((performance.now() - t) / N);
  t = performance.now(); for (let i = 0; i < N; i++) await getDb().user.findUnique({ where: { id: u.id } }); res.user.push((performance.now() - t) / N);
  t = performance.now(); for (let i = 0; i < N; i++) await getDb().userSession.findUnique({ where: { tokenHash: h } }); res.sessionOnly.push((performance.now() - t) / N);
  t = performance.now(); for (let i = 0; i < N; i++) await getDb().userSession.findUnique({ where: { tokenHash: h }, include: { user: true } }); res.sessionInclude.push((performance.now() - t) / N);
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[2]!.toFixed(3);
console.log(JSON.stringify(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, med(v)]))));
process.exit(0);
