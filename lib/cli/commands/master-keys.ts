// master-key list / rotate / retire / purge, and rewrap. Rotation makes a
// new primary at once; the rewrap moves existing data keys onto it and
// retires old versions; retire and purge are the admin's steps around
// quarantined entries and after a compromise (docs/operations.md).
import "server-only";
import { setTimeout as sleep } from "node:timers/promises";
import { getRewrapStatus, listMasterKeys, rotateMasterKey, type MasterKeyView } from "@/lib/vault/keyring";
import { awaitingConfirmation, listQuarantine, purgeRetiredMasterKeys, retireWithQuarantine, type QuarantineView } from "@/lib/vault/quarantine";
import { RETIRE_GRACE_MS, runRewrap } from "@/lib/vault/rewrap";
import { CLI_ACTOR } from "@/lib/audit/actor";
import { EXIT, UsageError, type Command } from "../command";
import { plural, table, when } from "../format";
import { Progress } from "../progress";

const LEASE_POLL_MS = 2_000;

const PROGRAM = "npm run admin --";

function keyTable(keys: MasterKeyView[]): string {
  return table(
    ["version", "state", "entries", "wraps", "created", "retired"],
    keys.map((k) => [`v${k.version}`, k.state, k.entryCount, k.wrapCount, when(k.createdAt), when(k.retiredAt)]),
  );
}

export function quarantineTable(rows: QuarantineView[]): string {
  return table(
    ["project", "store", "store ref", "key hash", "version", "master key", "accepted", "found", "reason"],
    rows.map((q) => [q.projectName, q.storeId, q.storeRef, q.keyHash, q.version, `v${q.masterKeyVersion}`, q.confirmedAt ? "yes" : "no", when(q.foundAt), q.reason]),
  );
}

/** What to do about quarantined entries, as commands to copy. */
export function quarantineAdvice(rows: QuarantineView[], waiting: number[]): string[] {
  if (rows.length === 0) return [];
  const first = rows[0]!;
  const lines = [
    `Inspect one:  ${PROGRAM} quarantine show --store-ref ${first.storeRef} --key-hash=${first.keyHash}`,
    `Delete one:   ${PROGRAM} quarantine delete --store-ref ${first.storeRef} --key-hash=${first.keyHash} --yes`,
  ];
  for (const v of waiting) {
    lines.push(`v${v} stays active while only quarantined entries reference it. Accept them and retire it: ${PROGRAM} master-key retire --version ${v} --yes`);
  }
  return lines;
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
    const { version } = await rotateMasterKey(CLI_ACTOR, "manual");
    return {
      json: { version },
      text: `Master key v${version} is now primary. Run \`rewrap\` to move existing entries onto it.`,
    };
  },
};

export const masterKeyRetire: Command = {
  name: "master-key retire",
  summary: "accept the quarantined entries under an old version and retire it",
  options: {
    version: { type: "string", arg: "N", description: "the master key version", required: true },
    yes: { type: "boolean", description: "confirm: its quarantined entries stay unreadable, as they already are", required: true },
  },
  details: [
    "For a version the rewrap could not retire because quarantined entries (which it could not open) still",
    "reference it. Refused while any of its entries is not quarantined (run `rewrap` first). The entries stay",
    "in the database, unreadable; delete them with `quarantine delete`. A retired version can be purged.",
  ].join("\n"),
  async run(args) {
    const version = args.int("version", 1, 2_147_483_647)!;
    if (!args.flag("yes")) throw new UsageError(`retiring v${version} leaves its quarantined entries unreadable for good; add --yes to confirm`);
    const { accepted } = await retireWithQuarantine(version, CLI_ACTOR);
    return {
      json: { version, retired: true, acceptedQuarantined: accepted },
      text: `Retired master key v${version}${accepted > 0 ? `, accepting ${plural(accepted, "quarantined entry", "quarantined entries")}` : ""}.`,
    };
  },
};

export const masterKeyPurge: Command = {
  name: "master-key purge",
  summary: "delete retired master keys from the database (after a compromise)",
  options: { yes: { type: "boolean", description: "confirm: backups taken from now on cannot open entries under them", required: true } },
  details: [
    "Deletes every retired version, so that no root key, old or new, opens it from a backup taken afterwards.",
    "Refused while any entry references a retired version, except quarantined entries accepted with",
    "`master-key retire`. Older backups still hold the old versions: see docs/operations.md, \"Leaked root key\".",
  ].join("\n"),
  async run(args) {
    if (!args.flag("yes")) throw new UsageError("purging deletes the retired master keys for good; add --yes to confirm");
    const { purged } = await purgeRetiredMasterKeys(CLI_ACTOR);
    return {
      json: { purged },
      text: purged.length > 0 ? `Purged ${purged.map((v) => `v${v}`).join(", ")} from the database.` : "No retired master key to purge.",
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
    "An entry whose data key does not open is quarantined (never its data) and the rest goes on; the output",
    "lists quarantined entries with the commands to inspect and delete them. Exit code 3 when quarantined",
    "entries keep an old version from retiring (accept them with `master-key retire`).",
  ].join("\n"),
  async run(args, ctx) {
    const batchSize = args.int("batch-size", 1, 10_000);
    const progress = new Progress("rewrap", ctx.stderr, ctx.stderr.isTTY ? "bar" : ctx.json ? "off" : "lines");
    const note = (line: string) => {
      if (!ctx.json || ctx.stderr.isTTY) ctx.stderr.write(`${line}\n`);
    };
    let processed = 0;
    let total = 0;
    let moved = 0;
    let quarantined = 0;
    const run = () =>
      runRewrap({
        batchSize,
        onProgress: (p) => {
          ({ processed, total, moved, quarantined } = p);
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

    const [keys, rows, waiting] = await Promise.all([listMasterKeys(), listQuarantine(), awaitingConfirmation()]);
    const primary = keys.find((k) => k.state === "primary");
    const wasRetired = new Set(before.filter((k) => k.state === "retired").map((k) => k.version));
    const retired = keys.filter((k) => k.state === "retired" && !wasRetired.has(k.version)).map((k) => k.version);
    const active = new Set(keys.filter((k) => k.state === "active").map((k) => k.version));
    // Entries still under active old versions, other than quarantined ones.
    const remaining = keys.filter((k) => active.has(k.version)).reduce((n, k) => n + k.entryCount, 0) - rows.filter((q) => active.has(q.masterKeyVersion)).length;
    const lines = [
      moved > 0
        ? `Rewrapped ${plural(moved, "entry", "entries")} to master key v${primary?.version}.`
        : `Nothing to rewrap: every entry is under the primary master key v${primary?.version}${rows.length > 0 ? ", except quarantined ones" : ""}.`,
    ];
    if (retired.length) lines.push(`Retired ${retired.map((v) => `v${v}`).join(", ")}.`);
    if (remaining > 0) lines.push(`${plural(remaining, "entry", "entries")} still under older versions (written meanwhile); run rewrap again.`);
    if (rows.length > 0) {
      lines.push(
        "",
        `${plural(rows.length, "entry is", "entries are")} quarantined: ${rows.length === 1 ? "its" : "their"} data key failed its integrity check, so ${rows.length === 1 ? "it" : "they"} cannot be read or moved.${quarantined > 0 ? ` (${quarantined} found by this run.)` : ""}`,
        quarantineTable(rows),
        ...quarantineAdvice(rows, waiting),
      );
    }
    return {
      json: { ran: true, targetVersion: primary?.version ?? null, processed, moved, remaining, retired, quarantined: rows, awaitingConfirmation: waiting, masterKeys: keys },
      text: `${lines.join("\n")}\n\n${keyTable(keys)}`,
      exitCode: waiting.length > 0 ? EXIT.drift : EXIT.ok,
    };
  },
};
