// Hand-written because no library does this: Prisma's better-sqlite3
// adapter runs every query on one connection and serialises only
// transactions among themselves. A plain query issued while another
// request's interactive transaction is open would run inside that
// transaction (and be rolled back with it, or read its uncommitted rows).
// This wrapper makes plain queries wait until no transaction is open.
import type {
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  Transaction,
} from "@prisma/driver-adapter-utils";

class GatedAdapter implements SqlDriverAdapter {
  readonly provider;
  readonly adapterName;
  #inner: SqlDriverAdapter;
  #open: Promise<void> | null = null;

  constructor(inner: SqlDriverAdapter) {
    this.#inner = inner;
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
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

export function gateSqliteAdapter(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => new GatedAdapter(await factory.connect()),
  };
}
