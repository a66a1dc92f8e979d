// Prepares a database for a benchmark or end-to-end server: migrations, the
// keyring, a user, a project, stores and a server key, and optionally N
// preloaded entries. Prints one JSON line: { token, projectId, stores, entries }.
//
//   DATABASE_URL=... DATA_DIR=... npx tsx --conditions=react-server bench/setup.ts \
//     [--store oauth-tokens] [--store bench] [--entries 10000 --entries-store bench --seed s]
//
// The server started afterwards with the same DATABASE_URL and DATA_DIR
// (the same root key file, or the same VAULT_ROOT_KEY) serves these rows.
// The server key token is printed once, on stdout, and nowhere else.
// `--conditions=react-server` lets the app's `import "server-only"` modules load.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { prepareDatabase } from "../lib/startup";
import { ensureKeyring, flushWrapCounts } from "../lib/vault/keyring";
import { closeDb, getDb } from "../lib/db/client";
import { createStore } from "../lib/vault/stores";
import { createServerKey } from "../lib/server-keys/service";
import { batchSet } from "../lib/vault/entries";
import { benchKeyHash, benchValue } from "./lib/keys";
import { userActor } from "../lib/audit/actor";

export type SetupResult = { token: string; projectId: string; stores: string[]; entries: number; seed: string };

export async function setup(options: { stores: string[]; entries: number; entriesStore?: string; seed: string }): Promise<SetupResult> {
  await prepareDatabase();
  await ensureKeyring();
  const db = getDb();
  const user = await db.user.create({ data: { email: `bench-${randomBytes(4).toString("hex")}@example.test` } });
  const project = await db.project.create({
    data: { name: "Bench project", members: { create: { userId: user.id, role: "owner" } } },
  });
  for (const storeId of options.stores) {
    await createStore(project.id, { storeId, displayName: storeId }, userActor(user.id));
  }
  const { token } = await createServerKey(project.id, { name: "bench key", stores: null, readOnly: false }, userActor(user.id));
  const target = options.entriesStore ?? options.stores[0]!;
  for (let i = 0; i < options.entries; i += 100) {
    const items = [];
    for (let j = i; j < Math.min(i + 100, options.entries); j++) {
      items.push({ key: benchKeyHash(options.seed, j), value: benchValue(), expiresAt: null });
    }
    await batchSet(project.id, target, items);
  }
  await flushWrapCounts();
  return { token, projectId: project.id, stores: options.stores, entries: options.entries, seed: options.seed };
}

function parseArgs(argv: string[]) {
  const stores: string[] = [];
  let entries = 0;
  let entriesStore: string | undefined;
  let seed = randomBytes(6).toString("hex");
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--store") stores.push(next());
    else if (arg === "--entries") entries = Number(next());
    else if (arg === "--entries-store") entriesStore = next();
    else if (arg === "--seed") seed = next();
    else throw new Error(`unknown argument ${arg}`);
  }
  if (stores.length === 0) stores.push("bench");
  return { stores, entries, entriesStore, seed };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.VAULT_LOG ??= "off";
  try {
    const result = await setup(parseArgs(process.argv.slice(2)));
    process.stdout.write(JSON.stringify(result) + "\n");
    await closeDb();
  } catch (error) {
    console.error(`bench/setup: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
