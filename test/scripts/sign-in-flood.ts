// Measures what a flood of wrong passwords on one account does to a
// sign-in to another account (issue 9, finding 2: 0.3 s became 5 to 8 s).
// In one process, on a fresh SQLite database:
//   baseline  B signs in alone;
//   gated     B signs in while FLOOD wrong attempts on A arrive at once from
//             FLOOD addresses, through the real sign-in path (throttle and
//             verification gate);
//   ungated   the same flood as the old code ran it: one scrypt per attempt,
//             all at once (verifyPassword directly), while B signs in.
// Run: npx tsx --conditions=react-server test/scripts/sign-in-flood.ts [FLOOD] [ROUNDS]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const dir = mkdtempSync(path.join(tmpdir(), "dv-flood-"));
process.env.DATA_DIR = dir;
process.env.DATABASE_URL = `file:${path.join(dir, "vault.db")}`;
process.env.VAULT_LOG = "off";

const { prepareDatabase } = await import("@/lib/startup");
const { closeDb, getDb } = await import("@/lib/db/client");
const { createAccount } = await import("@/lib/auth/account-admin");
const { signInWithPassword } = await import("@/lib/auth/sign-in");
const { verifyPassword } = await import("@/lib/auth/password");
const { resetProcessSingletons } = await import("@/lib/singleton");

const FLOOD = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 5);
const password = "the right passphrase";

await prepareDatabase();
await createAccount({ email: "a@example.com", password }, { userId: null, address: "cli" });
await createAccount({ email: "b@example.com", password }, { userId: null, address: "cli" });
const hashA = (await getDb().user.findUniqueOrThrow({ where: { email: "a@example.com" } })).passwordHash!;

let n = 0;
async function signInB(): Promise<number> {
  const t = performance.now();
  const r = await signInWithPassword({ email: "b@example.com", password, address: `192.0.2.${(n++ % 250) + 1}` });
  if (!r.ok) throw new Error(`B could not sign in: ${JSON.stringify(r)}`);
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

// Warm-up: module loading, the first scrypt, the connection.
await signInB();
const result: Record<string, string> = {};
for (const mode of ["baseline", "gated", "ungated"] as const) {
  if (process.env.DEBUG_FLOOD) console.error("mode", mode);
  const samples: number[] = [];
  let floodMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    resetProcessSingletons();
    const start = performance.now();
    const flood =
      mode === "gated"
        ? Promise.all(Array.from({ length: FLOOD }, (_, i) => signInWithPassword({ email: "a@example.com", password: `guess ${i}`, address: `10.${round}.${i >> 8}.${i & 255}` })))
        : mode === "ungated"
          ? Promise.all(Array.from({ length: FLOOD }, (_, i) => verifyPassword(`guess ${i}`, hashA)))
          : Promise.resolve([]);
    // B tries just after the flood arrived.
    await new Promise((r) => setTimeout(r, 5));
    samples.push(await signInB());
    await flood;
    floodMs = Math.max(floodMs, performance.now() - start);
  }
  result[mode] = `B signs in in ${ms(median(samples))} (median of ${ROUNDS}; max ${ms(Math.max(...samples))})${mode === "baseline" ? "" : `; the flood of ${FLOOD} answered within ${ms(floodMs)}`}`;
}
await closeDb();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
