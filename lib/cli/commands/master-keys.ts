// master-key list / master-key rotate / rewrap. Rotation makes a new
// primary at once; the rewrap moves existing data keys onto it.
import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { getRewrapStatus, listMasterKeys, rotateMasterKey, type MasterKeyView } from "@/lib/vault/keyring";
import { RETIRE_GRACE_MS, runRewrap } from "@/lib/vault/rewrap";
import type { Command } from "../command";
import { plural, table, when } from "../format";
import { Progress } from "../progress";

const LEASE_POLL_MS = 2_000;
// rewrap.ts retires an emptied version only once the rotation is older than
// three primary refresh intervals (so no instance can still write with it).

function keyTable(keys: MasterKeyView[]): string {
  return table(
    ["version", "state", "entries", "wraps", "created", "retired"],
    keys.map((k) => [`v${k.version}`, k.state, k.entryCount, k.wrapCount, when(k.createdAt), when(k.retiredAt)]),
  );
}

export const masterKeyList: Command = {
  name: "master-key list",
  summary: "list master key versions with the entries each one wraps",
  options: {},
  async run() {
    const keys = await listMasterKeys();
    return { json: { masterKeys: keys }, text: keyTable(keys) };
  },
};

export const masterKeyRotate: Command = {
  name: "master-key rotate",
  summary: "make a new primary master key",
  options: {},
  details:
    "Every instance wraps new data keys with the new version within a few seconds. Existing entries keep\n" +
    "their old version until the rewrap moves them: run `rewrap`, or let a server with background jobs do it.",
  async run() {
    const { version } = await rotateMasterKey({ cli: true }, "manual");
    return {
      json: { version },
      text: `Master key v${version} is now primary. Run \`rewrap\` to move existing entries onto it.`,
    };
  },
};

export const rewrap: Command = {
  name: "rewrap",
  summary: "re-wrap every entry's data key with the primary master key, then retire unused versions",
  options: {
    wait: { type: "boolean", description: "if another instance is running the rewrap, wait for it instead of exiting" },
    "batch-size": { type: "string", arg: "N", description: "entries per batch (default 200)" },
  },
  details: [
    "Runs to completion in this process, holding the rewrap lease; it resumes where an interrupted run stopped.",
    "Progress goes to stderr: a bar on a terminal, a line every 2 s otherwise (none with --json unless on a terminal).",
    "If another instance holds the lease, says so and exits 0 with \"ran\": false (or waits, with --wait).",
    `A version left without entries is retired once the rotation is ${RETIRE_GRACE_MS / 1000} s old; the command waits that long if needed.`,
  ].join("\n"),
  async run(args, ctx) {
    const batchSize = args.int("batch-size", 1, 10_000);
    const progress = new Progress("rewrap", ctx.stderr, ctx.stderr.isTTY ? "bar" : ctx.json ? "off" : "lines");
    const note = (line: string) => {
      if (!ctx.json || ctx.stderr.isTTY) ctx.stderr.write(`${line}\n`);
    };
    let processed = 0;
    let total = 0;
    const run = () =>
      runRewrap({
        batchSize,
        onProgress: (p) => {
          processed = p.processed;
          total = p.total;
          progress.update(processed, total);
        },
      });

    const before = await listMasterKeys();
    let ran = await run();
    if (!ran && args.flag("wait")) note("another instance is running the rewrap; waiting for it to finish");
    while (!ran && args.flag("wait")) {
      await sleep(LEASE_POLL_MS);
      ran = await run();
    }
    if (!ran) {
      return {
        json: { ran: false, reason: "LEASE_HELD", status: await getRewrapStatus() },
        text: "Another instance is running the rewrap right now; nothing done. Use --wait to wait for it.",
      };
    }
    if (total > 0) progress.update(processed, total, true);
    progress.finish();

    let keys = await listMasterKeys();
    const primary = keys.find((k) => k.state === "primary");
    const emptied = keys.filter((k) => k.state === "active" && k.entryCount === 0);
    if (primary && emptied.length > 0) {
      const wait = RETIRE_GRACE_MS - (Date.now() - Date.parse(primary.createdAt));
      if (wait > 0) {
        note(`waiting ${Math.ceil(wait / 1000)} s before retiring ${emptied.map((k) => `v${k.version}`).join(", ")} (servers switch to v${primary.version} within that time)`);
        await sleep(wait + 100);
      }
      // Moves any straggler written meanwhile, then retires.
      await run();
      keys = await listMasterKeys();
    }
    const wasRetired = new Set(before.filter((k) => k.state === "retired").map((k) => k.version));
    const retired = keys.filter((k) => k.state === "retired" && !wasRetired.has(k.version)).map((k) => k.version);
    const remaining = keys.filter((k) => k.state !== "primary").reduce((n, k) => n + k.entryCount, 0);
    const lines = [
      processed > 0
        ? `Rewrapped ${plural(processed, "entry", "entries")} to master key v${primary?.version}.`
        : `Nothing to rewrap: every entry is under the primary master key v${primary?.version}.`,
    ];
    if (retired.length) lines.push(`Retired ${retired.map((v) => `v${v}`).join(", ")}.`);
    if (remaining > 0) lines.push(`${plural(remaining, "entry", "entries")} still under older versions (written meanwhile); run rewrap again.`);
    return {
      json: { ran: true, targetVersion: primary?.version ?? null, processed, remaining, retired, masterKeys: keys },
      text: `${lines.join("\n")}\n\n${keyTable(keys)}`,
    };
  },
};
