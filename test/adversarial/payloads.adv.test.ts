// The exact payloads of issue 10's findings 5 and 6 against the production
// server, on SQLite and PostgreSQL: each gets a 4xx in the contract's error
// shape (never a 500, never a silently changed value), the database keeps
// nothing from them, and the server logs no error.
//   - expiresAt after year 9999 in UTC (was: 500 on PostgreSQL, "+010000-..." on SQLite)
//   - a value with a lone surrogate (was: stored as U+FFFD), in v1 and a dashboard body
//   - malformed percent-encoding outside /api/v1, e.g. /api/auth/%zz (was: bare 500)
//   - TRACE and other methods nobody serves (was: bare 500)
//   - a server-key row inserted with the SHA-256 of a chosen token (was: it read and overwrote entries)
//   - the SQLite database created 0644 (now 0600, the data directory 0700)
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { newToken } from "@/lib/server-keys/token";
import { api, dbChecksum, rawHttp, record, startCluster, type Cluster } from "./harness";

/** Every request here gets an answer: wait for it as long as a loaded machine may take (the first ones reach a cold Next handler). */
const ANSWER_MS = 30_000;
const shape = (json: unknown) => Object.keys((json as { error?: object })?.error ?? {}).sort().join(",");

function payloads(provider: Provider) {
  let cluster: Cluster;
  let token: string;
  let projectId: string;
  const figures: Record<string, number | string> = {};

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, { VAULT_RATE_LIMIT_PER_SECOND: "0" });
    ({ project: { id: projectId } } = await makeProject());
    ({ token } = await makeStoreAndKey(projectId, "p"));
  });
  afterAll(async () => {
    record(`payloads-${provider}`, figures);
    await cluster?.stop();
  });

  it("far-future expiresAt and lone surrogates: 400 INVALID_REQUEST, nothing stored", async () => {
    const k = keyHash();
    const before = await dbChecksum();
    const cases: [string, string, string][] = [
      ["PUT", `/api/v1/stores/p/entries/${k}`, '{"value":"v1.abc","expiresAt":"9999-12-31T23:59:59-01:00"}'],
      ["PUT", `/api/v1/stores/p/entries/${k}`, '{"value":"v1.abc","expiresAt":"9999-12-31T23:59:59.999-00:01"}'],
      ["PUT", `/api/v1/stores/p/entries/${k}`, '{"value":"v1.abc","expiresAt":"+010000-01-01T00:00:00Z"}'],
      ["POST", "/api/v1/stores/p/entries/batch-set", `{"entries":[{"key":"${k}","value":"v1.abc","expiresAt":"9999-12-31T23:59:59-01:00"}]}`],
      ["PUT", `/api/v1/stores/p/entries/${k}`, '{"value":"v1.\\ud800abc"}'],
      ["PUT", `/api/v1/stores/p/entries/${k}`, '{"value":"\\udfff"}'],
      ["POST", "/api/v1/stores/p/entries/batch-set", `{"entries":[{"key":"${k}","value":"v1.\\ud83d"}]}`],
    ];
    for (const [method, p, raw] of cases) {
      const r = await api(cluster.url, method, p, { token, raw });
      expect(r.status, `${method} ${raw}`).toBe(400);
      expect(r.json.error.code).toBe("INVALID_REQUEST");
      const said = JSON.stringify(r.json.error.details ?? r.json.error.message);
      expect(said, said).toMatch(/expiresAt: must be at most 9999|not well-formed Unicode|ISO-8601/);
    }
    expect(await dbChecksum()).toEqual(before);
    // The last instant still works, and a well-formed astral value comes back unchanged.
    expect((await api(cluster.url, "PUT", `/api/v1/stores/p/entries/${k}`, { token, raw: '{"value":"v1.😀","expiresAt":"9999-12-31T23:59:59.999Z"}' })).status).toBe(200);
    const got = await api(cluster.url, "GET", `/api/v1/stores/p/entries/${k}`, { token });
    expect(got.json).toMatchObject({ value: "v1.😀", expiresAt: "9999-12-31T23:59:59.999Z" });
    // A dashboard body: sign-up with a lone surrogate in the name creates no account.
    const users = await getDb().user.count();
    const signUp = await api(cluster.url, "POST", "/api/dashboard/sign-up", {
      raw: '{"email":"surrogate@example.test","password":"correct horse battery staple","name":"A\\ud800"}',
      headers: { origin: cluster.url },
    });
    expect(signUp.status).toBe(400);
    expect(signUp.json.error).toMatchObject({ code: "INVALID_REQUEST", details: [{ path: "name" }] });
    expect(await getDb().user.count()).toBe(users);
    figures.badBodies = cases.length + 1;
  });

  it("malformed percent-encoding anywhere: 400; methods nobody serves, TRACE first: 405", async () => {
    const paths = ["/api/auth/%zz", "/api/auth/session%zz", "/projects/%zz", "/api/dashboard/%zz", "/%zz", "/api/v1/stores/%zz", "/sign-in/%E0%A4%A", "/%"];
    for (const p of paths) {
      const r = await rawHttp(cluster.url, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, ANSWER_MS);
      expect(r?.status, p).toBe(400);
      expect(JSON.parse(r!.body).error.code, p).toBe("INVALID_REQUEST");
    }
    const methods: [string, string][] = [
      ["TRACE", "/api/health"],
      ["TRACE", "/"],
      ["TRACE", "/api/v1/stores/p"],
      ["TRACE", "/api/auth/session"],
      ["TRACK", "/api/health"],
      ["PROPFIND", "/api/dashboard/projects"],
      ["CONNECT", "127.0.0.1:443"],
      ["FOO", "/"],
    ];
    for (const [m, p] of methods) {
      const r = await rawHttp(cluster.url, `${m} ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, ANSWER_MS);
      expect(r?.status, `${m} ${p}`).toBe(405);
      expect(shape(JSON.parse(r!.body)), `${m} ${p}`).toBe("code,message");
      expect(JSON.parse(r!.body).error.code).toBe("METHOD_NOT_ALLOWED");
    }
    // The server still serves.
    expect((await api(cluster.url, "GET", "/api/health")).status).toBe(200);
    figures.badPaths = paths.length;
    figures.badMethods = methods.length;
  });

  it("a server-key row inserted with the SHA-256 of a chosen token reads and writes nothing", async () => {
    const chosen = newToken();
    const k = keyHash();
    await api(cluster.url, "PUT", `/api/v1/stores/p/entries/${k}`, { token, body: { value: "v1.real" } });
    for (const tokenHash of [createHash("sha256").update(chosen).digest("hex"), `k1:${createHash("sha256").update(chosen).digest("hex")}`]) {
      await getDb().serverKey.create({ data: { projectId, name: "inserted", tokenHash, displayPrefix: "dvk_insert" } });
    }
    const before = await dbChecksum();
    const read = await api(cluster.url, "GET", `/api/v1/stores/p/entries/${k}`, { token: chosen });
    const write = await api(cluster.url, "PUT", `/api/v1/stores/p/entries/${k}`, { token: chosen, body: { value: "v1.overwritten" } });
    expect([read.status, write.status]).toEqual([401, 401]);
    expect(read.json.error.code).toBe("UNAUTHENTICATED");
    expect(await dbChecksum()).toEqual(before);
    expect((await api(cluster.url, "GET", `/api/v1/stores/p/entries/${k}`, { token })).json.value).toBe("v1.real");
  });

  it("no 500 and no error in the server's log for any of them", () => {
    const lines = cluster.logs().split("\n");
    expect(lines.filter((l) => /"level":"error"|⨯|TypeError/.test(l))).toEqual([]);
  });

  if (provider === "sqlite") {
    it("the database file, its -wal and -shm are 0600 and the data directory 0700", () => {
      const mode = (p: string) => statSync(p).mode & 0o777;
      const file = cluster.databaseUrl.replace(/^file:/, "");
      figures.modes = [cluster.dataDir, path.dirname(file), file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((p) => `${path.basename(p)}:${mode(p).toString(8)}`).join(" ");
      expect(mode(cluster.dataDir)).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) expect(mode(side), side).toBe(0o600);
    });
  }
}

describe("the findings' payloads [sqlite]", () => payloads("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!pgUp)("the findings' payloads [postgres]", () => payloads("postgres"));
