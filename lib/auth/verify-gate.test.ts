import { describe, expect, it } from "vitest";
import { GateBusyError, VerificationGate } from "./verify-gate";

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A check that finishes when told to. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { done, finish };
}

describe("VerificationGate", () => {
  it("runs one check per account at a time and serves other accounts first (a flood on one account does not queue the rest)", async () => {
    const gate = new VerificationGate({ concurrency: 2, maxQueuedPerAccount: 100, maxQueued: 1000 });
    const order: string[] = [];
    const holds: ReturnType<typeof deferred>[] = [];
    const run = (account: string, label: string) =>
      gate.run(account, 0, async () => {
        order.push(label);
        const d = deferred();
        holds.push(d);
        await d.done;
      });
    const flood = Array.from({ length: 20 }, (_, i) => run("victim", `v${i}`));
    const other = run("bob", "bob");
    await tick();
    // v0 runs; bob took the second slot at once, ahead of 19 queued victim checks.
    expect(order).toEqual(["v0", "bob"]);
    expect(gate.stats).toEqual({ running: 2, queued: 19 });
    holds.forEach((h) => h.finish());
    await other;
    for (let i = 0; i < 25; i++) {
      holds.forEach((h) => h.finish());
      await tick();
    }
    await Promise.all(flood);
    expect(order.filter((l) => l.startsWith("v"))).toHaveLength(20);
  });

  it("orders an account's queue by the caller's failures and drops the worst when full", async () => {
    const gate = new VerificationGate({ concurrency: 1, maxQueuedPerAccount: 2, maxQueued: 100 });
    const first = deferred();
    const ran: string[] = [];
    const running = gate.run("bob", 0, () => first.done);
    const attacker1 = gate.run("bob", 5, async () => void ran.push("attacker1"));
    const attacker2 = gate.run("bob", 5, async () => void ran.push("attacker2"));
    // Full: an equally bad newcomer is refused at once ...
    await expect(gate.run("bob", 5, async () => void ran.push("attacker3"))).rejects.toBeInstanceOf(GateBusyError);
    // ... but the owner (no failures) takes the place of the worst waiting entry.
    const owner = gate.run("bob", 0, async () => void ran.push("owner"));
    await expect(attacker2).rejects.toBeInstanceOf(GateBusyError);
    first.finish();
    await Promise.all([running, owner, attacker1]);
    expect(ran).toEqual(["owner", "attacker1"]);
  });

  it("refuses beyond the total queue bound", async () => {
    const gate = new VerificationGate({ concurrency: 1, maxQueuedPerAccount: 10, maxQueued: 2 });
    const hold = deferred();
    const running = gate.run("a", 0, () => hold.done);
    const q = [gate.run("b", 0, async () => 1), gate.run("c", 0, async () => 2)];
    await expect(gate.run("d", 0, async () => 3)).rejects.toBeInstanceOf(GateBusyError);
    hold.finish();
    await running;
    expect(await Promise.all(q)).toEqual([1, 2]);
  });
});
