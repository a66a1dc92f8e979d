// Hand-written because no library does this: Prisma's better-sqlite3
// adapter runs every query on one connection and serialises only
// transactions among themselves. A plain query issued while another
// request's interactive transaction is open would run inside that
// transaction (and be rolled back with it, or read its uncommitted rows).
// This wrapper makes plain queries wait until no transaction is open.
import type Database from "better-sqlite3";
import { Worker } from "node:worker_threads";
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

export class GatedAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;
  #inner: SqlDriverAdapter;
  #open: Promise<void> | null = null;
  readonly #connection: Database.Database;

  #checkpointer: Checkpointer | null = null;

  constructor(inner: SqlDriverAdapter, file?: string) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
    // The adapter keeps its better-sqlite3 handle in a public field; the
    // vault's hot path runs plain SQL on that same connection (one writer,
    // no lock waits that could block the event loop).
    const connection = (inner as unknown as { client?: Database.Database }).client;
    if (!connection || typeof connection.prepare !== "function") {
      throw new Error("unexpected @prisma/adapter-better-sqlite3 internals: no client connection");
    }
    this.#connection = connection;
    // WAL without a sync on every commit: a crashed process loses nothing
    // committed; only a power loss can lose the last commits (docs/operations.md).
    connection.pragma("synchronous = NORMAL");
    connection.pragma("foreign_keys = ON");
    // 32 MiB of page cache instead of SQLite's 2 MiB: the audit table's
    // key-hash index takes its inserts in random order, and re-reading its
    // pages from the OS on every batch cost more CPU than the inserts.
    connection.pragma("cache_size = -32768");
    if (file) this.#checkpointer = startCheckpointer(connection, file);
  }

  // Every method below checks for an open transaction and goes on in one
  // synchronous step (no await between the last check and the work, which
  // the adapter runs synchronously when called), so nothing can start in
  // between.

  /**
   * Runs synchronous work on the connection when no Prisma transaction is
   * open. Nothing can interleave with it: it does not yield.
   */
  async runExclusive<T>(work: (connection: Database.Database) => T): Promise<T> {
    while (this.#open) await this.#open;
    return work(this.#connection);
  }

  async queryRaw(query: SqlQuery) {
    while (this.#open) await this.#open;
    return this.#inner.queryRaw(query);
  }

  async executeRaw(query: SqlQuery) {
    while (this.#open) await this.#open;
    return this.#inner.executeRaw(query);
  }

  async executeScript(script: string) {
    while (this.#open) await this.#open;
    return this.#inner.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    // The adapter refuses every level but SERIALIZABLE (SQLite's only one).
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") return this.#inner.startTransaction(isolationLevel);
    // Checked and claimed in one synchronous step (no await between the
    // last check and the claim), so two transactions never both start:
    // this gate is what runs them one at a time.
    while (this.#open) await this.#open;
    let release!: () => void;
    this.#open = new Promise<void>((resolve) => (release = resolve));
    const done = () => {
      this.#open = null;
      release();
    };
    // BEGIN IMMEDIATE, where the adapter sends a deferred BEGIN: a deferred
    // transaction that reads and then writes fails at its first write with
    // SQLITE_BUSY, busy timeout or not, when another process (the admin
    // CLI, another instance) committed in between. Taking the write lock at
    // the start makes the other process wait instead. Within this process
    // the gate already runs one transaction at a time, so nothing is lost.
    // The transaction's queries run on the adapter's connection as its own
    // transactions do; Prisma sends COMMIT or ROLLBACK itself
    // (usePhantomQuery: false) and then calls commit() or rollback().
    try {
      // Through the adapter, which turns SQLite's errors into Prisma's
      // (a lock still busy after the timeout: a timeout error).
      await this.#inner.executeScript("BEGIN IMMEDIATE");
    } catch (error) {
      done();
      throw error;
    }
    return {
      provider: this.provider,
      adapterName: this.adapterName,
      options: { usePhantomQuery: false },
      queryRaw: (q) => this.#inner.queryRaw(q),
      executeRaw: (q) => this.#inner.executeRaw(q),
      commit: async () => done(),
      rollback: async () => done(),
    };
  }

  getConnectionInfo() {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  async dispose() {
    await this.#checkpointer?.stop();
    this.#checkpointer = null;
    return this.#inner.dispose();
  }
}

/** How often the checkpointing thread moves the WAL into the database file. */
const CHECKPOINT_MS = 250;

type Checkpointer = { stop(): Promise<void> };

// Runs in the worker thread (plain CommonJS: eval workers resolve modules
// from the working directory, where the app's node_modules are).
const CHECKPOINT_WORKER = `
const Database = require("better-sqlite3");
const { parentPort, workerData } = require("node:worker_threads");
const db = new Database(workerData.file, { timeout: 0 });
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy or closing: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * SQLite runs a WAL checkpoint inside whichever commit takes the WAL past
 * 1,000 pages, fsync included: on a busy disk that stops this process's
 * event loop, so every request, for 100 ms or more during a burst of writes
 * (a rewrap moves every row). So the serving connection does not
 * checkpoint; a worker thread with its own connection runs PASSIVE
 * checkpoints (which never block readers or writers) every CHECKPOINT_MS.
 * If the thread cannot start or stops, the connection checkpoints by itself
 * again, as SQLite does by default.
 */
function startCheckpointer(connection: Database.Database, file: string): Checkpointer | null {
  let worker: Worker;
  try {
    worker = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file, everyMs: CHECKPOINT_MS } });
  } catch {
    return null;
  }
  let stopping = false;
  const fallBack = () => {
    if (stopping) return;
    try {
      connection.pragma("wal_autocheckpoint = 1000");
    } catch {
      // The connection is closed already.
    }
  };
  worker.on("error", fallBack);
  worker.on("exit", fallBack);
  worker.unref();
  connection.pragma("wal_autocheckpoint = 0");
  return {
    async stop() {
      stopping = true;
      // Referenced again while it stops, so the process waits for it.
      worker.ref();
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage("stop");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}

export function gateSqliteAdapter(
  factory: SqlDriverAdapterFactory,
  onConnect: (adapter: GatedAdapter) => void,
  file?: string,
): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = new GatedAdapter(await factory.connect(), file);
      onConnect(adapter);
      return adapter;
    },
  };
}
