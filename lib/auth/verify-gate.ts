// Bounded, fair scheduling of password checks. A check costs one scrypt
// (tens of milliseconds of CPU and 32 MiB) on libuv's small thread pool, so
// a flood of sign-ins against one account used to queue every other
// sign-in behind it (0.3 s became 5 to 8 s). Here:
//
// - at most `concurrency` checks run at once, and at most one per account;
// - waiting checks are served round-robin across accounts, so a flood on
//   one account adds at most one check's time to a sign-in to another;
// - each account queues at most `maxQueuedPerAccount` checks, ordered by how
//   many times that client address already failed on it: a new address
//   (the owner) goes ahead of one that keeps guessing, and a full queue
//   drops its worst entry rather than the newcomer;
// - beyond `maxQueued` in all, a check is refused at once (GateBusyError).
//
// Hand-written: no queue library schedules per key with eviction.
import "server-only";
import { processSingleton } from "@/lib/singleton";

export class GateBusyError extends Error {
  override name = "GateBusyError";
}

type Entry = {
  priority: number;
  seq: number;
  run: () => void;
  reject: (error: Error) => void;
};

export type GateOptions = { concurrency: number; maxQueuedPerAccount: number; maxQueued: number };

export const DEFAULT_GATE: GateOptions = { concurrency: 2, maxQueuedPerAccount: 4, maxQueued: 256 };

export class VerificationGate {
  #running = 0;
  #queued = 0;
  #seq = 0;
  readonly #active = new Set<string>();
  readonly #queues = new Map<string, Entry[]>();

  constructor(readonly options: GateOptions = DEFAULT_GATE) {}

  get stats() {
    return { running: this.#running, queued: this.#queued };
  }

  /** Runs fn for this account when a slot is free. `priority`: lower goes first (recent failures of the caller). */
  run<T>(account: string, priority: number, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        priority,
        seq: this.#seq++,
        reject,
        run: () => {
          fn().then(resolve, reject).finally(() => this.#done(account));
        },
      };
      if (this.#running < this.options.concurrency && !this.#active.has(account)) {
        this.#start(account, entry);
        return;
      }
      this.#enqueue(account, entry);
    });
  }

  #start(account: string, entry: Entry): void {
    this.#running += 1;
    this.#active.add(account);
    entry.run();
  }

  #enqueue(account: string, entry: Entry): void {
    const queue = this.#queues.get(account) ?? [];
    if (queue.length >= this.options.maxQueuedPerAccount) {
      const worst = queue[queue.length - 1]!;
      if (worst.priority <= entry.priority) {
        entry.reject(new GateBusyError("too many sign-in attempts for this account are waiting"));
        return;
      }
      queue.pop();
      this.#queued -= 1;
      worst.reject(new GateBusyError("replaced by a sign-in from a client with fewer failures"));
    }
    if (this.#queued >= this.options.maxQueued) {
      entry.reject(new GateBusyError("too many sign-in attempts are waiting"));
      return;
    }
    // Sorted by (priority, arrival).
    let i = queue.length;
    while (i > 0 && (queue[i - 1]!.priority > entry.priority || (queue[i - 1]!.priority === entry.priority && queue[i - 1]!.seq > entry.seq))) i--;
    queue.splice(i, 0, entry);
    this.#queues.set(account, queue);
    this.#queued += 1;
  }

  #done(account: string): void {
    this.#running -= 1;
    this.#active.delete(account);
    // Move this account to the back of the round-robin order.
    const own = this.#queues.get(account);
    if (own) {
      this.#queues.delete(account);
      this.#queues.set(account, own);
    }
    for (const [key, queue] of this.#queues) {
      if (this.#running >= this.options.concurrency) break;
      if (this.#active.has(key)) continue;
      const next = queue.shift()!;
      this.#queued -= 1;
      if (queue.length === 0) this.#queues.delete(key);
      this.#start(key, next);
    }
  }
}

export function verificationGate(): VerificationGate {
  return processSingleton("verificationGate", () => new VerificationGate());
}
