// Hand-written because no library does this: Prisma's better-sqlite3
// adapter runs every query on one connection and serialises only
// transactions among themselves. A plain query issued while another
// request's interactive transaction is open would run inside that
// transaction (and be rolled back with it, or read its uncommitted rows).
// This wrapper makes plain queries wait until no transaction is open.
import type Database from "better-sqlite3";
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

  constructor(inner: SqlDriverAdapter) {
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
  }

  /**
   * Runs synchronous work on the connection when no Prisma transaction is
   * open. Nothing can interleave with it: it does not yield.
   */
  async runExclusive<T>(work: (connection: Database.Database) => T): Promise<T> {
    await this.#idle();
    return work(this.#connection);
  }

  async #idle(): Promise<void> {
    while (this.#open) await this.#open;
  }

  async queryRaw(query: SqlQuery) {
    await this.#idle();
    return this.#inner.queryRaw(query);
  }

  async executeRaw(query: SqlQuery) {
    await this.#idle();
    return this.#inner.executeRaw(query);
  }

  async executeScript(script: string) {
    await this.#idle();
    return this.#inner.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    await this.#idle();
    // Claimed synchronously after the check, so nothing slips in between.
    let release!: () => void;
    this.#open = new Promise<void>((resolve) => (release = resolve));
    const done = () => {
      this.#open = null;
      release();
    };
    let tx: Transaction;
    try {
      tx = await this.#inner.startTransaction(isolationLevel);
    } catch (error) {
      done();
      throw error;
    }
    return {
      provider: tx.provider,
      adapterName: tx.adapterName,
      options: tx.options,
      queryRaw: (q) => tx.queryRaw(q),
      executeRaw: (q) => tx.executeRaw(q),
      commit: () => tx.commit().finally(done),
      rollback: () => tx.rollback().finally(done),
    };
  }

  getConnectionInfo() {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose() {
    return this.#inner.dispose();
  }
}

export function gateSqliteAdapter(
  factory: SqlDriverAdapterFactory,
  onConnect: (adapter: GatedAdapter) => void,
): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = new GatedAdapter(await factory.connect());
      onConnect(adapter);
      return adapter;
    },
  };
}
