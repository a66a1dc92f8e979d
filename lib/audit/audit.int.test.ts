// The audit trail on real SQLite and real PostgreSQL, through the real v1
// pipeline (in-process): every operation records exactly one event per
// entry it names with the right fields; refusals are recorded; nothing
// recorded or logged carries a value, a logical key, a secret or a token;
// the SDK's access log round-trips; VAULT_AUDIT=required fails closed when
// the table is unwritable; best effort drops and counts, then records the
// gap; retention purges; admin actions carry their actor.
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterEach, expect, it, vi } from "vitest";
import { describeEachProvider, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { inProcessFetch, v1 } from "@/test/in-process";
import { closeDb, getDb, getDbTarget } from "@/lib/db/client";
import { resetConfigForTests } from "@/lib/config";
import { createServerKey, revokeServerKey } from "@/lib/server-keys/service";
import { createStore } from "@/lib/vault/stores";
import { rotateMasterKey } from "@/lib/vault/keyring";
import { createProject } from "@/lib/projects/service";
import { updateMemberRole } from "@/lib/projects/members";
import { addMembership } from "@/lib/dashboard/testing";
import { DataVaultClient, DataVaultError } from "@/sdk/src/index";
import { auditStats, drainAuditQueue, resetAuditWriterForTests } from "./record";
import { queryAuditEvents } from "./query";
import { insertEvents, type AuditRow } from "./repo";
import { purgeOldAuditEvents } from "./retention";
import { newEventId } from "./ids";
import { systemActor, userActor } from "./actor";
import type { AuditEventView } from "./types";

async function events(filter: Parameters<typeof queryAuditEvents>[0]): Promise<AuditEventView[]> {
  await drainAuditQueue();
  return (await queryAuditEvents(filter, { limit: 1000 })).events;
}

async function byRequest(requestId: string): Promise<AuditEventView[]> {
  return (await events({})).filter((e) => e.requestId === requestId);
}

/** Sets variables for one test; the config and the writer are rebuilt, and restored after. */
async function withEnv(vars: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(vars)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  resetConfigForTests();
  await resetAuditWriterForTests();
}
const saved = new Map<string, string | undefined>();
afterEach(async () => {
  for (const [k, v] of saved) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  saved.clear();
  resetConfigForTests();
  await resetAuditWriterForTests().catch(() => undefined);
  vi.restoreAllMocks();
});

async function blockAuditInserts(provider: Provider, on: boolean): Promise<void> {
  const db = getDb();
  if (provider === "sqlite") {
    await db.$executeRawUnsafe(on ? `CREATE TRIGGER audit_block BEFORE INSERT ON "AuditEvent" BEGIN SELECT RAISE(ABORT, 'audit table blocked by the test'); END` : `DROP TRIGGER audit_block`);
    return;
  }
  if (on) {
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION audit_block() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'audit table blocked by the test'; END $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(`CREATE TRIGGER audit_block BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_block()`);
  } else {
    await db.$executeRawUnsafe(`DROP TRIGGER audit_block ON "AuditEvent"`);
  }
}

describeEachProvider("audit", (provider) => {
  it("every v1 operation records one event per entry it names, with the right fields", async () => {
    const { project } = await makeProject();
    const { token, keyId } = await makeStoreAndKey(project.id, "s1");
    const k1 = keyHash();
    const k2 = keyHash();
    const peer = "198.51.100.23";
    let n = 0;
    const call = async (method: string, path: string, body?: unknown) => {
      const requestId = `req-${++n}-${randomBytes(4).toString("hex")}`;
      const r = await v1(method, path, { token, body, peer, headers: { "x-request-id": requestId } });
      expect(r.headers.get("x-request-id")).toBe(requestId);
      return { ...r, requestId };
    };
    const entry = (k: string) => `/api/v1/stores/s1/entries/${k}`;
    const cases: { r: Awaited<ReturnType<typeof call>>; want: { action: string; operation: string; result: string; status: number; keys: (string | null)[] } }[] = [];
    const expectEvents = (r: Awaited<ReturnType<typeof call>>, action: string, operation: string, result: string, status: number, keys: (string | null)[]) =>
      cases.push({ r, want: { action, operation, result, status, keys } });

    expectEvents(await call("GET", "/api/v1/stores/s1"), "store.read", "getStore", "ok", 200, [null]);
    expectEvents(await call("PUT", entry(k1), { value: "ct-1" }), "entry.write", "putEntry", "ok", 200, [k1]);
    expectEvents(await call("PUT", entry(k1), { value: "ct-2", ifVersion: 7 }), "entry.write", "putEntry", "conflict", 409, [k1]);
    expectEvents(await call("GET", entry(k1)), "entry.read", "getEntry", "ok", 200, [k1]);
    expectEvents(await call("HEAD", entry(k1)), "entry.read", "getEntry", "ok", 200, [k1]);
    expectEvents(await call("GET", entry(k2)), "entry.read", "getEntry", "miss", 404, [k2]);
    expectEvents(await call("POST", "/api/v1/stores/s1/entries/batch-get", { keys: [k1, k2] }), "entry.read", "batchGetEntries", "ok", 200, [k1, k2]);
    expectEvents(await call("POST", "/api/v1/stores/s1/entries/batch-set", { entries: [{ key: k1, value: "a" }, { key: k2, value: "b" }] }), "entry.write", "batchSetEntries", "ok", 200, [k1, k2]);
    expectEvents(await call("DELETE", entry(k2)), "entry.delete", "deleteEntry", "ok", 200, [k2]);
    expectEvents(await call("DELETE", entry(k2)), "entry.delete", "deleteEntry", "miss", 404, [k2]);
    expectEvents(await call("GET", `${entry(k1)}/access-log`), "entry.access_log", "getEntryAccessLog", "ok", 200, [k1]);
    expectEvents(await call("GET", "/api/v1/stores/nope"), "store.read", "getStore", "not_found", 404, [null]);
    expectEvents(await call("PUT", entry(k1), { value: "x", bogus: 1 }), "entry.write", "putEntry", "invalid", 400, [k1]);
    // Public operations are counted in the metrics, not audited.
    const health = await call("GET", "/api/health");

    for (const { r, want } of cases) {
      const got = await byRequest(r.requestId);
      const label = `${want.operation} ${want.status}`;
      expect(r.status, label).toBe(want.status);
      expect(got.map((e) => e.keyHash).sort(), label).toEqual([...want.keys].sort());
      for (const e of got) {
        expect(e, label).toMatchObject({
          action: want.action,
          operation: want.operation,
          status: want.status,
          actorType: "server_key",
          actorId: keyId,
          projectId: project.id,
          storeId: want.operation === "getStore" && want.status === 404 ? "nope" : "s1",
          clientAddress: peer,
          requestId: r.requestId,
        });
        // A batch-get's misses are misses, its hits ok.
        const result = want.operation === "batchGetEntries" && e.keyHash === k2 ? "miss" : want.result;
        expect(e.result, `${label} ${e.keyHash}`).toBe(result);
        expect(Date.now() - new Date(e.at).getTime()).toBeLessThan(60_000);
      }
    }
    expect(await byRequest(health.requestId)).toEqual([]);
  });

  it("refusals are recorded: 401 without a project, 403, 413, 415, 429", async () => {
    const { project } = await makeProject();
    const { token, keyId } = await makeStoreAndKey(project.id, "s1");
    const { token: reader, key: readerKey } = await createServerKey(project.id, { name: "ro", stores: null, readOnly: true }, TEST_ACTOR);
    const k = keyHash();
    const entry = `/api/v1/stores/s1/entries/${k}`;
    const req = async (method: string, path: string, opts: Parameters<typeof v1>[2]) => {
      const requestId = `r-${randomBytes(6).toString("hex")}`;
      const r = await v1(method, path, { ...opts, headers: { ...opts?.headers, "x-request-id": requestId } });
      return { status: r.status, events: await byRequest(requestId) };
    };

    const anon = await req("GET", entry, { token: "dvk_" + "A".repeat(43) });
    expect(anon.status).toBe(401);
    expect(anon.events).toEqual([expect.objectContaining({ result: "denied", status: 401, actorType: "anonymous", actorId: null, projectId: null, storeId: "s1", keyHash: k })]);

    const ro = await req("PUT", entry, { token: reader, body: { value: "x" } });
    expect(ro.status).toBe(403);
    expect(ro.events).toEqual([expect.objectContaining({ result: "denied", status: 403, actorId: readerKey.id, projectId: project.id, keyHash: k })]);
    const noAudit = await req("GET", `${entry}/access-log`, { token: reader });
    expect(noAudit.status).toBe(403);
    expect(noAudit.events).toEqual([expect.objectContaining({ action: "entry.access_log", result: "denied", status: 403 })]);

    const media = await req("PUT", entry, { token, raw: "{}", headers: { "content-type": "text/plain" } });
    expect(media.status).toBe(415);
    expect(media.events).toEqual([expect.objectContaining({ result: "invalid", status: 415, actorId: keyId })]);

    // A batch refused before its body is read names no key.
    const big = await req("POST", "/api/v1/stores/s1/entries/batch-set", { token, raw: JSON.stringify({ entries: [{ key: k, value: "x".repeat(2_300_000) }] }) });
    expect(big.status).toBe(413);
    expect(big.events).toEqual([expect.objectContaining({ result: "too_large", status: 413, keyHash: null })]);

    await withEnv({ VAULT_RATE_LIMIT_PER_SECOND: "1", VAULT_RATE_LIMIT_BURST: "1" });
    const { token: limited } = await createServerKey(project.id, { name: "limited", stores: null, readOnly: false }, TEST_ACTOR);
    // Back to back, events read only afterwards: the bucket refills a token
    // per second, so a slow read of the audit table between the two requests
    // (a loaded machine) would let the second one through.
    const tooManyId = `r-${randomBytes(6).toString("hex")}`;
    const first = await v1("GET", entry, { token: limited });
    const tooMany = await v1("GET", entry, { token: limited, headers: { "x-request-id": tooManyId } });
    expect(first.status).toBe(404);
    expect(tooMany.status).toBe(429);
    expect(await byRequest(tooManyId)).toEqual([expect.objectContaining({ result: "rate_limited", status: 429, keyHash: k })]);
  });

  it("the SDK's access log round-trips, with paging, since, scope and the audit permission", async () => {
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "tokens");
    const secret = "sdk-app-secret-0123456789abcdef-0123456789";
    const store = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: token, fetch: inProcessFetch("192.0.2.44") }).getDataVaultStore("tokens");
    const before = new Date();
    await store.setValue("user:42", "refresh-token-1", { secret });
    expect(await store.getValue("user:42", { secret })).toBe("refresh-token-1");
    expect(await store.deleteValue("user:42", { secret })).toBe(true);
    expect(await store.getValue("user:42", { secret })).toBeNull();
    await store.setValue("user:43", "someone else", { secret });
    await drainAuditQueue();

    const log = await store.getAccessLog("user:42", { secret });
    expect(log.nextCursor).toBeNull();
    expect(log.events.map((e) => [e.action, e.result, e.operation])).toEqual([
      ["entry.read", "miss", "getEntry"],
      ["entry.delete", "ok", "deleteEntry"],
      ["entry.read", "ok", "getEntry"],
      ["entry.write", "ok", "putEntry"],
      // setValue reads the current version first: format v2 binds the
      // version into the ciphertext (rollback detection, docs/security.md).
      ["entry.read", "miss", "getEntry"],
    ]);
    for (const e of log.events) expect(e).toMatchObject({ clientAddress: "192.0.2.44", serverKeyId: expect.any(String), requestId: expect.any(String) });
    expect(new Date(log.events[4]!.at).getTime()).toBeGreaterThanOrEqual(before.getTime() - 5);

    // Paging: two at a time, then the rest; the access-log read itself is now in the log.
    await drainAuditQueue();
    const first = await store.getAccessLog("user:42", { secret, limit: 2 });
    expect(first.events.map((e) => e.action)).toEqual(["entry.access_log", "entry.read"]);
    const rest = await store.getAccessLog("user:42", { secret, cursor: first.nextCursor!, limit: 10 });
    expect(rest.events.map((e) => e.result)).toEqual(["ok", "ok", "ok", "miss"]);
    expect(rest.nextCursor).toBeNull();
    expect((await store.getAccessLog("user:42", { secret, since: new Date(Date.now() + 60_000) })).events).toEqual([]);
    // Another secret is another key hash: another (empty) log.
    expect((await store.getAccessLog("user:42", { secret: secret + "-other" })).events).toEqual([]);

    // A read-only key lacks the permission unless granted; scope applies.
    const ro = await createServerKey(project.id, { name: "ro", stores: null, readOnly: true }, TEST_ACTOR);
    const roStore = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: ro.token, fetch: inProcessFetch() }).getDataVaultStore("tokens");
    expect(ro.key.audit).toBe(false);
    await expect(roStore.getAccessLog("user:42", { secret })).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
    const auditor = await createServerKey(project.id, { name: "auditor", stores: null, readOnly: true, audit: true }, TEST_ACTOR);
    const auditorStore = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: auditor.token, fetch: inProcessFetch() }).getDataVaultStore("tokens");
    expect((await auditorStore.getAccessLog("user:42", { secret })).events.length).toBeGreaterThanOrEqual(5);
    await createStore(project.id, { storeId: "other", displayName: "other" }, TEST_ACTOR);
    const scoped = await createServerKey(project.id, { name: "scoped", stores: ["other"], readOnly: false }, TEST_ACTOR);
    const scopedStore = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: scoped.token, fetch: inProcessFetch() }).getDataVaultStore("tokens");
    await expect(scopedStore.getAccessLog("user:42", { secret })).rejects.toBeInstanceOf(DataVaultError);
    // Another project's key sees its own project's (empty) log for the same store id and key.
    const { project: other } = await makeProject("other");
    const { token: otherToken } = await makeStoreAndKey(other.id, "tokens");
    const otherStore = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: otherToken, fetch: inProcessFetch() }).getDataVaultStore("tokens");
    expect((await otherStore.getAccessLog("user:42", { secret })).events).toEqual([]);
  });

  it("no event, row or log line carries a value, a logical key, a secret or a token", async () => {
    const lines: string[] = [];
    for (const stream of ["log", "warn", "error"] as const) vi.spyOn(console, stream).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(" ")));
    await withEnv({ VAULT_LOG: "on" });
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "scan");
    const markers = {
      secret: `SECRET-MARKER-${randomBytes(8).toString("hex")}-0123456789abcdef`,
      logicalKey: `LOGICAL-KEY-MARKER-${randomBytes(8).toString("hex")}`,
      value: `PLAINTEXT-MARKER-${randomBytes(8).toString("hex")}`,
      ciphertext: `CIPHERTEXT-MARKER-${randomBytes(8).toString("hex")}`,
      token,
      fakeToken: `dvk_${randomBytes(32).toString("base64url")}`,
    };
    const store = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: token, fetch: inProcessFetch() }).getDataVaultStore("scan");
    await store.setValue(markers.logicalKey, markers.value, { secret: markers.secret });
    await store.getValue(markers.logicalKey, { secret: markers.secret });
    await store.setValues([[markers.logicalKey, markers.value]], { secret: markers.secret });
    await store.getAccessLog(markers.logicalKey, { secret: markers.secret });
    const k = keyHash();
    await v1("PUT", `/api/v1/stores/scan/entries/${k}`, { token, body: { value: markers.ciphertext } });
    await v1("PUT", `/api/v1/stores/scan/entries/${k}`, { token, body: { value: markers.ciphertext, ifVersion: 9 } });
    await v1("PUT", `/api/v1/stores/scan/entries/${k}`, { token, body: { value: markers.ciphertext, nope: markers.ciphertext } });
    await v1("GET", `/api/v1/stores/scan/entries/${k}`, { token: markers.fakeToken });
    await v1("GET", `/api/v1/stores/scan/entries/${k}`, { headers: { authorization: `Basic ${markers.fakeToken}` } });
    await drainAuditQueue();

    const rows = JSON.stringify(await getDb().auditEvent.findMany());
    expect(rows.length).toBeGreaterThan(100);
    const logs = lines.join("\n");
    for (const [name, marker] of Object.entries(markers)) {
      expect(rows.includes(marker), `${name} in the audit table`).toBe(false);
      expect(logs.includes(marker), `${name} in the logs`).toBe(false);
    }
    const target = getDbTarget();
    if (target.provider === "sqlite") {
      // The whole database file, after a checkpoint: nothing there either.
      const file = target.file;
      await closeDb();
      const bytes = readFileSync(file).toString("latin1") + (existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).toString("latin1") : "");
      for (const [name, marker] of Object.entries(markers)) expect(bytes.includes(marker), `${name} in the SQLite file`).toBe(false);
    }
  });

  it("VAULT_AUDIT=required fails closed while the table is unwritable, and recovers", async () => {
    await withEnv({ VAULT_AUDIT: "required" });
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    expect((await v1("PUT", `/api/v1/stores/s1/entries/${k}`, { token, body: { value: "ct-written-before-the-block" } })).status).toBe(200);
    // Required: the event is committed before the answer.
    expect((await queryAuditEvents({ projectId: project.id, keyHash: k })).events).toHaveLength(1);

    await blockAuditInserts(provider, true);
    try {
      const read = await v1("GET", `/api/v1/stores/s1/entries/${k}`, { token });
      expect(read.status).toBe(503);
      expect(read.json.error.code).toBe("UNAVAILABLE");
      expect(JSON.stringify(read.json)).not.toContain("ct-written-before-the-block");
      // Known unwritable: refused before doing anything.
      const write = await v1("PUT", `/api/v1/stores/s1/entries/${k}`, { token, body: { value: "during" } });
      expect(write.status).toBe(503);
      expect(auditStats().healthy).toBe(false);
    } finally {
      await blockAuditInserts(provider, false);
    }
    // The refusals were queued; once a batch goes through, requests are served again.
    await expect.poll(async () => (await v1("GET", `/api/v1/stores/s1/entries/${k}`, { token })).status, { timeout: 20_000, interval: 300 }).toBe(200);
    expect((await v1("GET", `/api/v1/stores/s1/entries/${k}`, { token })).json.value).toBe("ct-written-before-the-block");
  });

  it("best effort: an unwritable table drops and counts; the gap is recorded once writing works", async () => {
    await withEnv({ VAULT_AUDIT: "on" });
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "s1");
    await blockAuditInserts(provider, true);
    try {
      for (let i = 0; i < 3; i++) expect((await v1("GET", `/api/v1/stores/s1/entries/${keyHash()}`, { token })).status).toBe(404);
      await drainAuditQueue();
      expect(auditStats().dropped.write_failed).toBe(3);
      expect(auditStats().healthy).toBe(false);
    } finally {
      await blockAuditInserts(provider, false);
    }
    await v1("GET", "/api/v1/stores/s1", { token });
    const gap = await events({ projectId: project.id, actions: ["audit.events_dropped"] });
    expect(gap).toEqual([expect.objectContaining({ target: "3", result: "error", actorType: "system", actorId: "audit-writer" })]);
    expect(await events({ projectId: null, actions: ["audit.events_dropped"] })).toEqual(expect.arrayContaining([expect.objectContaining({ target: "3" })]));
    expect(auditStats().healthy).toBe(true);
  });

  it("VAULT_AUDIT=off records no access events; admin events are still written", async () => {
    await withEnv({ VAULT_AUDIT: "off" });
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "s1");
    await v1("GET", "/api/v1/stores/s1", { token });
    expect(await events({ projectId: project.id, actions: ["store.read"] })).toEqual([]);
    expect(await events({ projectId: project.id, actions: ["store.create"] })).toHaveLength(1);
  });

  it("retention deletes events older than the retention, and says so", async () => {
    const { project } = await makeProject();
    const now = Date.now();
    const row = (ageDays: number): AuditRow => {
      const at = new Date(now - ageDays * 86_400_000);
      return { id: newEventId(at), createdAt: at, action: "entry.read", result: "ok", status: 200, actorType: "server_key", actorId: "k", projectId: project.id, storeId: "old", keyHash: null, operation: "getEntry", target: null, clientAddress: null, requestId: null };
    };
    await insertEvents([row(200), row(91), row(89), row(1)]);
    expect(await events({ projectId: project.id, storeId: "old" })).toHaveLength(4);
    expect(await purgeOldAuditEvents(new Date(now), 90)).toBeGreaterThanOrEqual(2);
    const left = await events({ projectId: project.id, storeId: "old" });
    expect(left.map((e) => Math.round((now - new Date(e.at).getTime()) / 86_400_000))).toEqual([1, 89]);
    expect(await events({ actions: ["audit.retention"] })).toEqual(expect.arrayContaining([expect.objectContaining({ actorType: "system", actorId: "audit-retention" })]));
    expect(await purgeOldAuditEvents(new Date(now), 0)).toBe(0);
  });

  it("admin actions carry their actor and commit with the change", async () => {
    const owner = await getDb().user.create({ data: { email: `o-${randomBytes(4).toString("hex")}@example.test` } });
    const mate = await getDb().user.create({ data: { email: `m-${randomBytes(4).toString("hex")}@example.test` } });
    const project = await createProject({ name: "Audited" }, userActor(owner.id));
    // Members join by invitation (lib/projects/invitations.ts); a role change is recorded.
    await addMembership(project.id, mate.id, "member");
    await updateMemberRole(project.id, mate.id, { role: "owner" }, { userId: owner.id, address: "192.0.2.1" });
    await createStore(project.id, { storeId: "a1", displayName: "A1" }, userActor(owner.id));
    const key = await createServerKey(project.id, { name: "k", stores: null, readOnly: false }, { type: "cli" });
    await revokeServerKey(project.id, key.key.id, userActor(owner.id));
    await rotateMasterKey(systemActor("auto-rotate"));
    // A failed change records nothing.
    await expect(createStore(project.id, { storeId: "a1", displayName: "dup" }, userActor(owner.id))).rejects.toMatchObject({ code: "STORE_EXISTS" });

    const got = await events({ projectId: project.id });
    const summary = got.map((e) => [e.action, e.actorType, e.actorId]).reverse();
    expect(summary).toEqual([
      ["project.create", "user", owner.id],
      ["member.role", "user", owner.id],
      ["store.create", "user", owner.id],
      ["server_key.create", "cli", "cli"],
      ["server_key.revoke", "user", owner.id],
    ]);
    expect(got.find((e) => e.action === "server_key.create")!.target).toBe(`${key.key.id} (read-write+audit)`);
    expect((await events({ actions: ["master_key.rotate"] }))[0]).toMatchObject({ actorType: "system", actorId: "auto-rotate" });
  });

  it("the read path filters by store, action, actor, result and time, and pages without gaps", async () => {
    const { project } = await makeProject();
    const { token, keyId } = await makeStoreAndKey(project.id, "f1");
    await createStore(project.id, { storeId: "f2", displayName: "f2" }, TEST_ACTOR);
    const k = keyHash();
    for (let i = 0; i < 7; i++) await v1("PUT", `/api/v1/stores/f1/entries/${k}`, { token, body: { value: `v${i}` } });
    for (let i = 0; i < 5; i++) await v1("GET", `/api/v1/stores/f2/entries/${keyHash()}`, { token });
    await drainAuditQueue();
    const all = await events({ projectId: project.id });
    expect((await events({ projectId: project.id, storeId: "f1", actions: ["entry.write"] })).length).toBe(7);
    expect((await events({ projectId: project.id, result: "miss" })).map((e) => e.storeId)).toEqual(Array(5).fill("f2"));
    expect((await events({ projectId: project.id, actorId: keyId })).length).toBe(12);
    expect((await events({ projectId: project.id, actorType: "system" })).length).toBe(all.length - 12);
    expect(await events({ projectId: project.id, until: new Date(Date.now() - 3_600_000) })).toEqual([]);
    expect((await events({ projectId: project.id, since: new Date(Date.now() - 3_600_000) })).length).toBe(all.length);
    // Pages of 5 cover everything once, newest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await queryAuditEvents({ projectId: project.id }, { cursor, limit: 5 });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    expect([...seen].sort().reverse()).toEqual(seen);
    await expect(queryAuditEvents({}, { cursor: "not-a-cursor" })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
  });
});
