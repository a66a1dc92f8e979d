// root-key rotate: re-wraps the master-key keyring under a new root key and
// re-keys the server-key hashes (keyed by the root key), in one transaction.
// Keys are read from files or stdin (never argv) and never printed.
//
// With --write-key-file (the embedded default, where the vault reads
// $DATA_DIR/root.key) the order makes every crash recoverable:
//   1. the new key is written to root.key.new (0600, fsynced);
//   2. the keyring is re-wrapped in one database transaction;
//   3. root.key is copied to root.key.old, then root.key.new is renamed over
//      root.key (atomic), so root.key always holds a whole key.
// A crash before 2 leaves a stale root.key.new that the next run discards.
// A crash after 2 leaves the database under the key in root.key.new; the
// servers then refuse to start (one line naming the root key), and running
// this command again with --write-key-file finishes the swap (by hand:
// mv root.key.new root.key).
import "server-only";
import { chmodSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { rootKeyId } from "@/lib/vault/envelope";
import { rotateRootKey } from "@/lib/vault/keyring";
import { parseRootKey, rootKeyFile } from "@/lib/vault/root-key";
import { CliError, UsageError, type Args, type Command, type Result } from "../command";
import { plural } from "../format";
import { readSecretFile, readStdin } from "../secret-input";

function fsyncPath(p: string): void {
  const fd = openSync(p, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeKeyFile(file: string, key: Buffer): void {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new CliError("CONFLICT", `${file} appeared meanwhile: is another root-key rotate running?`);
    }
    throw error;
  }
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(file, 0o600);
  fsyncPath(path.dirname(file));
}

/** root.key -> root.key.old (a copy), then root.key.new -> root.key (atomic). */
function installKeyFile(file: string, pending: string): void {
  if (existsSync(file)) {
    const tmp = `${file}.old.tmp`;
    copyFileSync(file, tmp);
    chmodSync(tmp, 0o600);
    fsyncPath(tmp);
    renameSync(tmp, `${file}.old`);
  }
  renameSync(pending, file);
  fsyncPath(path.dirname(file));
}

async function readKey(args: Args, side: "old" | "new"): Promise<Buffer | null> {
  const fileOption = `${side}-key-file`;
  const file = args.string(fileOption);
  if (file !== undefined) return parseRootKey(readSecretFile(fileOption, file), `--${fileOption} ${file}`);
  if (args.flag(`${side}-key-stdin`)) return parseRootKey(await readStdin(`${side}-key-stdin`), `--${side}-key-stdin`);
  return null;
}

/** The key the keyring is wrapped with now: given, or the one the vault itself would use. */
async function readOldKey(args: Args, file: string): Promise<Buffer> {
  const given = await readKey(args, "old");
  if (given) return given;
  const fromEnv = getConfig().VAULT_ROOT_KEY;
  if (fromEnv) return parseRootKey(fromEnv, "VAULT_ROOT_KEY");
  if (existsSync(file)) return parseRootKey(readFileSync(file, "utf8"), file);
  throw new UsageError(`missing --old-key-file (VAULT_ROOT_KEY is unset and there is no ${file})`);
}

/** Finishes a rotation that stopped between the database update and the file swap. */
async function finishInterrupted(oldKey: Buffer, file: string, pending: string): Promise<Result | null> {
  if (!existsSync(pending)) return null;
  let pendingKey: Buffer;
  try {
    pendingKey = parseRootKey(readFileSync(pending, "utf8"), pending);
  } catch {
    // Written and fsynced before the database changes, so a torn file
    // means the database never used it.
    rmSync(pending);
    return null;
  }
  const ids = (await getDb().masterKey.findMany({ select: { rootKeyId: true } })).map((r) => r.rootKeyId);
  const pendingId = rootKeyId(pendingKey);
  if (!ids.includes(pendingId)) {
    rmSync(pending);
    return null;
  }
  const done = ids.some((id) => id !== pendingId) ? await rotateRootKey(oldKey, pendingKey) : { rewrapped: 0, serverKeysRekeyed: 0, serverKeysDisabled: 0 };
  installKeyFile(file, pending);
  return {
    json: { resumed: true, ...done, rootKeyFile: file, previousKeyFile: `${file}.old` },
    text:
      `Finished an interrupted rotation: the keyring was already under the key in ${path.basename(pending)}, ` +
      `which is now ${file} (the previous key is in ${file}.old).\n` +
      "No new key was applied: run the command again to rotate to another key. Restart the servers.",
  };
}

export const rootKeyRotate: Command = {
  name: "root-key rotate",
  summary: "re-wrap the master keys and re-key the server-key hashes under a new root key",
  needsKeyring: false,
  options: {
    "old-key-file": { type: "string", arg: "F", description: "the current root key (default: VAULT_ROOT_KEY, else $DATA_DIR/root.key)" },
    "old-key-stdin": { type: "boolean", description: "read the current root key from stdin" },
    "new-key-file": { type: "string", arg: "F", description: "the new root key (32 random bytes, base64: openssl rand -base64 32)" },
    "new-key-stdin": { type: "boolean", description: "read the new root key from stdin" },
    generate: { type: "boolean", description: "generate the new key (needs --write-key-file)" },
    "write-key-file": {
      type: "boolean",
      description: "embedded default: install the new key as $DATA_DIR/root.key (mode 0600), keeping the old one as root.key.old",
    },
  },
  details: [
    "Give the new key with exactly one of --new-key-file, --new-key-stdin, --generate. Keys are never printed.",
    "Stop the servers first, or restart them right after with the new key: a server still on the old key",
    "keeps working from its cache but must not rotate the master key in between.",
    "Without --write-key-file, set VAULT_ROOT_KEY (or $DATA_DIR/root.key) to the new key on every instance yourself.",
    "Crash safety with --write-key-file: the new key is written to root.key.new before the database changes and",
    "renamed over root.key after. If it stops in between, servers refuse to start (one line about the root key);",
    "run `root-key rotate --write-key-file` again and it finishes the interrupted rotation (or: mv root.key.new root.key).",
  ].join("\n"),
  async run(args) {
    const write = args.flag("write-key-file");
    const newSources = ["new-key-file", "new-key-stdin", "generate"].filter((o) => args.has(o));
    if (newSources.length > 1) throw new UsageError(`use one of --${newSources.join(", --")}`);
    if (args.has("old-key-file") && args.flag("old-key-stdin")) throw new UsageError("use one of --old-key-file and --old-key-stdin");
    if (args.flag("old-key-stdin") && args.flag("new-key-stdin")) throw new UsageError("only one key can come from stdin");
    if (args.flag("generate") && !write) throw new UsageError("--generate needs --write-key-file (the CLI never prints a root key)");
    if (write && getConfig().VAULT_ROOT_KEY) {
      throw new UsageError("--write-key-file: VAULT_ROOT_KEY is set, so the vault does not read the key file; put the new key there instead");
    }
    const file = rootKeyFile();
    const pending = `${file}.new`;
    const oldKey = await readOldKey(args, file);
    if (write) {
      const finished = await finishInterrupted(oldKey, file, pending);
      if (finished) return finished;
    }
    if (newSources.length === 0) throw new UsageError("missing --new-key-file (or --new-key-stdin, or --generate with --write-key-file)");
    const newKey = args.flag("generate") ? randomBytes(32) : (await readKey(args, "new"))!;

    if (write) writeKeyFile(pending, newKey);
    // On failure root.key.new stays: the error may have come after the commit
    // (a lost connection), and the next run checks which key the keyring uses.
    const rotation = await rotateRootKey(oldKey, newKey);
    if (write) installKeyFile(file, pending);

    const done = [
      `Re-wrapped ${plural(rotation.rewrapped, "master key")} and re-keyed ${plural(rotation.serverKeysRekeyed, "server-key hash", "server-key hashes")} under the new root key.`,
      ...(rotation.serverKeysDisabled > 0
        ? [`${plural(rotation.serverKeysDisabled, "server key")} failed the integrity check of its stored digest and ${rotation.serverKeysDisabled === 1 ? "was" : "were"} revoked (see key list).`]
        : []),
    ].join("\n");
    if (write) {
      return {
        json: { resumed: false, ...rotation, rootKeyFile: file, previousKeyFile: `${file}.old` },
        text: `${done}\nIt is now in ${file}; the previous key is in ${file}.old (delete it once your backups hold the new key).\nRestart the servers.`,
      };
    }
    const where = getConfig().VAULT_ROOT_KEY ? "VAULT_ROOT_KEY" : file;
    return {
      json: { resumed: false, ...rotation, rootKeyFile: null, previousKeyFile: null },
      text: `${done}\nNow put the new key in ${where} on every instance and restart them; with the old key they refuse to start.`,
    };
  },
};
