// The audit queue without a database: batching, a full queue drops and
// counts, a failing sink drops after its attempts and reports the gap once
// it works again, waiters settle with their batch.
import { describe, expect, it, vi } from "vitest";
import { AuditUnavailableError, AuditWriter, type WriterOptions } from "./writer";
import { newEventId } from "./ids";
import type { AuditRow } from "./repo";

vi.mock("../log", () => ({ log: { info: vi.fn(), warn: vi.fn(), error: vi.fn() } }));

const row = (projectId: string | null = "p1"): AuditRow => ({
  id: newEventId(),
  createdAt: new Date(),
  action: "entry.read",
  result: "ok",
  status: 200,
  actorType: "server_key",
  actorId: "k1",
  projectId,
  storeId: "s1",
  keyHash: "a".repeat(43),
  operation: "getEntry",
  target: null,
  clientAddress: "127.0.0.1",
  requestId: "r",
});

function writer(write: WriterOptions["write"], options: Partial<WriterOptions> = {}) {
  return new AuditWriter({ capacity: 5, batchSize: 3, flushDelayMs: 10, attempts: 2, retryDelayMs: 1, write, ...options });
}

describe("the audit writer", () => {
  it("writes in batches of at most batchSize, in order", async () => {
    const batches: AuditRow[][] = [];
    const w = writer(async (rows) => void batches.push(rows), { capacity: 100 });
    const rows = Array.from({ length: 7 }, () => row());
    for (const r of rows) w.enqueue(r, false);
    await w.drain();
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat().map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(w.stats()).toMatchObject({ depth: 0, written: 7, dropped: { queue_full: 0, write_failed: 0 } });
  });

  it("a full queue drops and counts, never silently; the waiter of a dropped event is refused", async () => {
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const written: AuditRow[] = [];
    const w = writer(async (rows) => {
      await blocked;
      written.push(...rows);
    });
    for (let i = 0; i < 5; i++) w.enqueue(row(), false);
    expect(w.stats().depth).toBe(5);
    const late = w.enqueue(row("p2"), true);
    await expect(late).rejects.toBeInstanceOf(AuditUnavailableError);
    w.enqueue(row("p2"), false);
    expect(w.stats().dropped.queue_full).toBe(2);
    release();
    await w.drain();
    w.enqueue(row(), false);
    await w.drain();
    // The gap is recorded in the trail: per project, and for the instance.
    const gaps = written.filter((r) => r.action === "audit.events_dropped");
    expect(gaps.map((g) => [g.projectId, g.target])).toEqual([
      ["p2", "2"],
      [null, "2"],
    ]);
    expect(written.filter((r) => r.action === "entry.read")).toHaveLength(6);
  });

  it("a batch that fails every attempt is dropped and counted; the writer recovers", async () => {
    let fail = true;
    const written: AuditRow[] = [];
    const attempts: number[] = [];
    const w = writer(async (rows) => {
      attempts.push(rows.length);
      if (fail) throw new Error("disk full");
      written.push(...rows);
    });
    const waiting = w.enqueue(row(), true)!;
    await w.drain();
    await expect(waiting).rejects.toThrow(/cannot be written/);
    expect(attempts).toEqual([1, 1]);
    expect(w.stats()).toMatchObject({ healthy: false, writeFailures: 2, dropped: { write_failed: 1 } });
    fail = false;
    const ok = w.enqueue(row(), true)!;
    await w.drain();
    await expect(ok).resolves.toBeUndefined();
    expect(w.stats().healthy).toBe(true);
    expect(written.map((r) => r.action)).toEqual(["audit.events_dropped", "audit.events_dropped", "entry.read"]);
  });

  it("flushes on its own after the delay, and at once when a batch is full", async () => {
    const batches: number[] = [];
    const w = writer(async (rows) => void batches.push(rows.length), { capacity: 100, flushDelayMs: 50 });
    w.enqueue(row(), false);
    await new Promise((r) => setTimeout(r, 150));
    expect(batches).toEqual([1]);
    for (let i = 0; i < 3; i++) w.enqueue(row(), false);
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([1, 3]);
  });

  it("ids are time-ordered text, and keep creation order within a millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => newEventId(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(newEventId(1_700_000_000_001) > ids[999]!).toBe(true);
    expect(ids[0]).toMatch(/^[0-9a-f]{28}$/);
  });
});
