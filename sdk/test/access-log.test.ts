// store.getAccessLog: the key hash is the entry's own (derived here, never
// the logical key on the wire), the query carries since/limit/cursor, the
// answer is read into typed events, and bad options fail before any request.
import { describe, expect, it } from "vitest";
import { DataVaultError } from "../src/index.js";
import { SECRET, setup } from "./helpers.js";

const EVENT = { at: "2030-01-02T08:30:00.000Z", action: "entry.read", operation: "getEntry", result: "ok", status: 200, serverKeyId: "k1", clientAddress: "10.0.0.7", requestId: "r1" };

describe("store.getAccessLog", () => {
  it("asks for the entry's key hash with since, limit and cursor, and reads the events", async () => {
    const { vault, store } = setup();
    await store.setValue("user:42", "v", { secret: SECRET });
    const putPath = vault.log.at(-1)!.path;
    vault.faults.push({ kind: "respond", response: { status: 200, body: { events: [EVENT], nextCursor: "0".repeat(28) } } });
    const page = await store.getAccessLog("user:42", { secret: SECRET, since: new Date("2030-01-01T00:00:00Z"), limit: 10, cursor: "a".repeat(28) });
    const req = vault.log.at(-1)!;
    expect(req.method).toBe("GET");
    const [path, query] = req.path.split("?");
    expect(path).toBe(`${putPath}/access-log`);
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ since: "2030-01-01T00:00:00.000Z", limit: "10", cursor: "a".repeat(28) });
    expect(req.path).not.toContain("user:42");
    expect(page).toEqual({ events: [EVENT], nextCursor: "0".repeat(28) });
  });

  it("refuses bad options before any request, and a malformed answer after", async () => {
    const { vault, store } = setup();
    for (const options of [{ secret: SECRET, limit: 0 }, { secret: SECRET, limit: 1001 }, { secret: SECRET, limit: 1.5 }, { secret: SECRET, cursor: "nope" }, { secret: SECRET, since: "not a date" }]) {
      await expect(store.getAccessLog("user:42", options)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    expect(vault.log).toHaveLength(0);
    vault.faults.push({ kind: "respond", response: { status: 200, body: { events: "nope" } } });
    await expect(store.getAccessLog("user:42", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultError);
    vault.faults.push({ kind: "respond", response: { status: 403, body: { error: { code: "FORBIDDEN", message: "this server key does not have the audit permission" } } } });
    await expect(store.getAccessLog("user:42", { secret: SECRET })).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
  });
});
