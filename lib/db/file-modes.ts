// The embedded database holds the vault's rows and sits next to the root
// key: its files are the owner's only. The database file is created 0600
// before SQLite opens it (SQLite gives its -wal and -shm files the same
// mode), a new folder 0700; files and the data directory left readable by
// others by an earlier version are tightened, with a log line.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "../log";
import { defaultDataDir } from "./database-url";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

function tighten(p: string, mode: number): void {
  const st = statSync(p);
  if ((st.mode & 0o777 & ~mode) === 0) return;
  // Only what this user owns: never a shared folder someone else set up.
  if (typeof process.getuid === "function" && st.uid !== process.getuid()) return;
  chmodSync(p, mode);
  log.warn("made a data file private to its owner", { path: p, mode: mode.toString(8) });
}

/** Creates the folder (0700) and the database file (0600) if missing; tightens existing ones. */
export function prepareSqliteFiles(file: string): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  else if (path.resolve(dir) === defaultDataDir() && path.resolve(dir) !== path.resolve(process.cwd()) && path.resolve(dir) !== path.parse(dir).root) {
    // The data directory is the vault's own (root key, session secret, database).
    tighten(dir, DIR_MODE);
  }
  if (!existsSync(file)) {
    try {
      closeSync(openSync(file, "wx", FILE_MODE));
    } catch (error) {
      // Another process created it first: tightened below like any existing file.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  tighten(file, FILE_MODE);
  for (const p of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      tighten(p, FILE_MODE);
    } catch (error) {
      // Missing, or deleted between the check and the chmod: SQLite removes
      // these when another process's last connection closes. Nothing to tighten.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}
