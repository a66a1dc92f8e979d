// npm start's serving model over real HTTP: the lean v1 path answers exactly
// as Next's route files do (both servers on one database, the same requests,
// the same statuses, contract headers and bodies byte for byte), and a
// SIGTERM under load drains: every request the server accepted is answered,
// no counter is lost, SQLite is left without a -wal, and the exit code is 0.
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { freePort, provisionTestDatabase, serverCommand, startTestServer, useServerDatabase, type ProvisionedDatabase, type Serving, type TestServer } from "@/test/server";
import { closeDb, getDb } from "@/lib/db/client";
import { getStore } from "@/lib/vault/stores";
import { createAccount } from "@/lib/auth/account-admin";

describe("the lean path and Next's route files answer alike [sqlite]", () => {
  let lean: TestServer;
  let viaNext: TestServer;
  let token: string;
  let readOnly: string;

  beforeAll(async () => {
    lean = await startTestServer("sqlite", { VAULT_MAX_VALUE_SIZE: "4096", VAULT_RATE_LIMIT_PER_SECOND: "0" });
    // A second server on the same database and data directory, through Next.
    viaNext = await startTestServer("sqlite", { VAULT_MAX_VALUE_SIZE: "4096", VAULT_RATE_LIMIT_PER_SECOND: "0", DATABASE_URL: lean.databaseUrl, DATA_DIR: lean.dataDir }, "next");
    // startTestServer pointed this process at a database of its own: back to the shared one.
    await useServerDatabase(lean);
    const { project } = await makeProject();
    ({ token } = await makeStoreAndKey(project.id, "s1"));
    ({ token: readOnly } = await makeStoreAndKey(project.id, "s2", { readOnly: true }));
  });
  afterAll(async () => {
    await viaNext?.stop();
    await lean?.stop();
  });

  type Req = { method: string; path: string; body?: string; headers?: Record<string, string>; token?: string | null };
  const CONTRACT_HEADERS = ["cache-control", "content-type", "allow", "retry-after", "x-content-type-options", "x-frame-options", "referrer-policy", "access-control-allow-origin"];

  async function send(server: TestServer, r: Req) {
    const headers: Record<string, string> = { ...r.headers };
    const auth = r.token === undefined ? token : r.token;
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (r.body !== undefined) headers["content-type"] ??= "application/json";
    // No compression: Next gzips when asked, the lean path never does; bodies are compared decoded anyway.
    headers["accept-encoding"] = "identity";
    const res = await fetch(server.url + r.path, { method: r.method, headers, body: r.body });
    const picked = Object.fromEntries(CONTRACT_HEADERS.map((h) => [h, res.headers.get(h)]));
    return { status: res.status, headers: picked, body: await res.text() };
  }

  it("every operation, success and error, gives the same answer on both paths", async () => {
    const k = keyHash();
    const k2 = keyHash();
    // Writes change state, so each is sent once per server on its own key.
    const perServer = (server: TestServer, key: string): Req[] => [
      { method: "PUT", path: `/api/v1/stores/s1/entries/${key}`, body: JSON.stringify({ value: "ct", ifVersion: 0 }) },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${key}`, body: JSON.stringify({ value: "ct", ifVersion: 0 }) },
      { method: "DELETE", path: `/api/v1/stores/s1/entries/${key}?ifVersion=7` },
      { method: "POST", path: `/api/v1/stores/s1/entries/batch-set`, body: JSON.stringify({ entries: [{ key, value: "b" }] }) },
      { method: "DELETE", path: `/api/v1/stores/s1/entries/${key}` },
      { method: "DELETE", path: `/api/v1/stores/s1/entries/${key}` },
    ];
    const reads: Req[] = [
      { method: "GET", path: "/api/health" },
      { method: "HEAD", path: "/api/health" },
      { method: "GET", path: "/api/v1/openapi.json" },
      { method: "GET", path: "/api/v1/stores/s1" },
      { method: "GET", path: "/api/v1/stores/nope" },
      { method: "GET", path: `/api/v1/stores/s1/entries/${k2}` },
      { method: "HEAD", path: `/api/v1/stores/s1/entries/${k2}` },
      { method: "GET", path: "/api/v1/stores/s1/entries/short" },
      { method: "GET", path: "/api/v1/stores/s1/entries/%zz" + "a".repeat(20) },
      { method: "GET", path: "/api/v1/stores/-bad" },
      { method: "GET", path: "/api/v1/stores/s1", token: null },
      { method: "GET", path: "/api/v1/stores/s1", token: "dvk_" + "x".repeat(43) },
      { method: "GET", path: "/api/v1/stores/s1", headers: { authorization: "Basic abc" }, token: null },
      { method: "PUT", path: `/api/v1/stores/s2/entries/${k2}`, body: JSON.stringify({ value: "x" }), token: readOnly },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: "{not json" },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: JSON.stringify({ value: "x", expires_at: null }) },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: JSON.stringify({ value: "x".repeat(5000) }) },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: JSON.stringify({ value: "x" }), headers: { "content-type": "text/plain" } },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: "x".repeat(200_000) },
      { method: "PUT", path: `/api/v1/stores/s1/entries/${k2}`, body: "" },
      { method: "PATCH", path: `/api/v1/stores/s1/entries/${k2}`, body: "{}" },
      { method: "OPTIONS", path: "/api/v1/stores/s1", headers: { origin: "https://evil.example" } },
      { method: "GET", path: "/api/v1/stores/s1/entries/batch-get" },
      { method: "POST", path: "/api/v1/stores/s1/entries/batch-get", body: JSON.stringify({ keys: [k2, k2] }) },
      { method: "POST", path: "/api/v1/stores/s1/entries/batch-get", body: JSON.stringify({ keys: [k2] }) },
      { method: "DELETE", path: `/api/v1/stores/s1/entries/${k2}?ifVersion=x` },
      { method: "GET", path: "/api/v1/nothing/here" },
    ];
    for (const r of reads) {
      const a = await send(lean, r);
      const b = await send(viaNext, r);
      expect(a, `${r.method} ${r.path}`).toEqual(b);
    }
    const leanWrites = [];
    const nextWrites = [];
    for (const r of perServer(lean, k)) leanWrites.push(await send(lean, r));
    for (const r of perServer(viaNext, keyHash())) nextWrites.push(await send(viaNext, r));
    expect(leanWrites.map((w) => [w.status, w.headers])).toEqual(nextWrites.map((w) => [w.status, w.headers]));
    expect(leanWrites.map((w) => w.status)).toEqual([200, 409, 409, 200, 200, 404]);
  });

  it("one copy of process state: a key revoked through the dashboard (Next) is refused by the lean path at once", async () => {
    // A third server with a long key cache: only shared state can make the revocation immediate.
    const server = await startTestServer("sqlite", { VAULT_KEY_CACHE_SECONDS: "600", DATABASE_URL: lean.databaseUrl, DATA_DIR: lean.dataDir });
    await useServerDatabase(lean);
    try {
      const email = `owner-${keyHash().slice(0, 8).toLowerCase()}@example.test`;
      const password = "a long and unusual passphrase 42";
      const account = await createAccount({ email, password }, { userId: null, address: "test" });
      const project = await getDb().project.create({ data: { name: "revoke", members: { create: { userId: account.id, role: "owner" } } } });
      const { token: doomed, keyId } = await makeStoreAndKey(project.id, "r1");
      const v1 = () => fetch(`${server.url}/api/v1/stores/r1`, { headers: { authorization: `Bearer ${doomed}` } }).then((r) => r.status);
      expect(await v1()).toBe(200); // now cached for 10 minutes

      // Sign in through next-auth over HTTP, then revoke through the dashboard's route.
      const jar: string[] = [];
      const keep = (res: Response) => {
        for (const c of res.headers.getSetCookie()) jar.push(c.split(";")[0]!);
        return res;
      };
      const cookie = () => jar.join("; ");
      const csrf = keep(await fetch(`${server.url}/api/auth/csrf`));
      const csrfText = await csrf.text();
      expect(csrf.status, csrfText).toBe(200);
      const { csrfToken } = JSON.parse(csrfText) as { csrfToken: string };
      const signIn = keep(
        await fetch(`${server.url}/api/auth/callback/credentials`, {
          method: "POST",
          redirect: "manual",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: server.url },
          body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
        }),
      );
      expect(signIn.status, server.logs().slice(-2000)).toBeLessThan(400);
      expect(cookie()).toMatch(/session-token/);
      const revoke = await fetch(`${server.url}/api/dashboard/projects/${project.id}/server-keys/${keyId}`, { method: "DELETE", headers: { cookie: cookie(), origin: server.url, "content-type": "application/json" } });
      expect(revoke.status, await revoke.clone().text()).toBe(200);
      expect(await v1()).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it("a chunked upload over the cap is refused at the cap on both paths", async () => {
    for (const server of [lean, viaNext]) {
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024).fill(120);
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 64 * 1024 * 1024) return controller.close();
          sent += chunk.byteLength;
          controller.enqueue(chunk);
        },
      });
      const res = await fetch(`${server.url}/api/v1/stores/s1/entries/${keyHash()}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit).catch((error: unknown) => error as Error);
      // npm start answers 413 at the cap, then drops the rest up to its
      // bound; Next (next start) may also cut the connection on the rest.
      if (server === lean) expect(res, String(res)).toBeInstanceOf(Response);
      if (res instanceof Response) {
        expect(res.status, server.serving).toBe(413);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALUE_TOO_LARGE");
      }
      expect(sent, server.serving).toBeLessThan(64 * 1024 * 1024);
    }
  });

  // Found by CI: the fuzz suite's oversize uploads sometimes ended in
  // "fetch failed" (a TCP reset) instead of their 413, because the server
  // closed the socket with the unread body still in the kernel's buffer.
  it("an upload refused at its declared length gets its 413, never a reset (v1 and npm start's Next paths)", async () => {
    const big = JSON.stringify({ value: "q".repeat(3 * 1024 * 1024) });
    const failures: string[] = [];
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const target: { path: string; headers: Record<string, string> } =
          i % 2 === 0
            ? { path: `/api/v1/stores/s1/entries/${keyHash()}`, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } }
            : { path: "/api/dashboard/sign-up", headers: { "content-type": "application/json", origin: lean.url } };
        try {
          const res = await fetch(lean.url + target.path, { method: i % 2 === 0 ? "PUT" : "POST", headers: target.headers, body: big });
          statuses.push(res.status);
          await res.text();
        } catch (error) {
          failures.push(`${target.path}: ${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([413]));
  });

  it("after a refused body was dropped, the same connection serves the next request", async () => {
    const huge = "z".repeat(3 * 1024 * 1024);
    const u = new URL(lean.url);
    const answers = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(u.port), u.hostname);
      let got = "";
      const timer = setTimeout(() => (sock.destroy(), resolve(got)), 20_000);
      sock.on("data", (d: Buffer) => {
        got += d.toString("latin1");
        if ((got.match(/HTTP\/1\.1 /g) ?? []).length >= 2 && got.endsWith("}")) {
          clearTimeout(timer);
          sock.destroy();
          resolve(got);
        }
      });
      sock.on("error", reject);
      sock.write(`PUT /api/v1/stores/s1/entries/${keyHash()} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${huge.length}\r\n\r\n`);
      sock.write(huge);
      sock.write("GET /api/health HTTP/1.1\r\nhost: x\r\n\r\n");
    });
    const heads = answers.match(/HTTP\/1\.1 \d{3}/g);
    expect(heads).toEqual(["HTTP/1.1 413", "HTTP/1.1 200"]);
  });

  it("a client that keeps sending a refused body past the drop bound is cut off", async () => {
    const u = new URL(lean.url);
    const result = await new Promise<{ written: number; answer: string; closed: boolean }>((resolve) => {
      const sock = net.connect(Number(u.port), u.hostname);
      const chunk = Buffer.alloc(256 * 1024, 120);
      let written = 0;
      let answer = "";
      let closed = false;
      const timer = setTimeout(() => finish(), 60_000);
      function finish() {
        clearTimeout(timer);
        sock.destroy();
        resolve({ written, answer, closed });
      }
      sock.on("data", (d: Buffer) => (answer += d.toString("latin1")));
      sock.on("error", () => ((closed = true), finish()));
      sock.on("close", () => ((closed = true), finish()));
      sock.write(`PUT /api/v1/stores/s1/entries/${keyHash()} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${1024 * 1024 * 1024}\r\n\r\n`);
      const pump = () => {
        while (!sock.destroyed && written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!sock.write(chunk)) return void sock.once("drain", pump);
        }
      };
      pump();
    });
    expect(result.answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.closed).toBe(true);
    // The bound (16 MiB) plus what the kernel buffers on both sides.
    expect(result.written).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("SIGTERM under load drains and closes cleanly [sqlite]", () => {
  let db: ProvisionedDatabase;

  beforeAll(async () => {
    db = await provisionTestDatabase("sqlite", "dv-drain-");
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function launch(serving: Serving) {
    const port = await freePort();
    const command = serverCommand(serving, port);
    let out = "";
    const child = spawn(process.execPath, command.args, {
      env: { ...process.env, ...command.env, DATABASE_URL: db.url, DATA_DIR: db.dataDir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", VAULT_LOG: "on", VAULT_RATE_LIMIT_PER_SECOND: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
      if (child.exitCode !== null) throw new Error(out);
      const ok = await fetch(`${url}/api/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, url, output: () => out };
  }

  it("every accepted request is answered, the activity count equals the writes answered, no -wal, exit 0", async () => {
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "drain");
    // This process lets go of the database: what is left afterwards is the server's doing.
    await closeDb();
    const server = await launch("npm-start");
    let ok = 0;
    let refused = 0;
    const failures: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        let res: Response;
        try {
          res = await fetch(`${server.url}/api/v1/stores/drain/entries/${keyHash()}`, {
            method: "PUT",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ value: "v".repeat(200) }),
          });
        } catch {
          // Not accepted: the listener was closed (or the idle connection it
          // would have used). The server never saw this request.
          refused++;
          if (server.child.exitCode !== null || refused > 10_000) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        // Accepted: it must be answered in full, and with success.
        try {
          await res.text();
          if (res.status === 200) ok++;
          else failures.push(String(res.status));
        } catch (error) {
          failures.push(`body: ${(error as Error).message}`);
        }
      }
    };
    const exited = new Promise<number | null>((resolve) => server.child.once("exit", (code) => resolve(code)));
    const workers = Array.from({ length: 16 }, worker);
    // Under load: at least 1.5 s of it, and more than 50 writes answered (a slow machine takes longer to get there).
    const loadedBy = Date.now() + 60_000;
    await new Promise((r) => setTimeout(r, 1500));
    while (ok <= 50 && failures.length === 0 && server.child.exitCode === null && Date.now() < loadedBy) await new Promise((r) => setTimeout(r, 50));
    server.child.kill("SIGTERM");
    const code = await exited;
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);
    expect(code).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    const dbFile = db.url.replace(/^file:/, "");
    const files = readdirSync(path.dirname(dbFile));
    expect(files.filter((f) => f.endsWith("-wal") || f.endsWith("-shm")), files.join(" ")).toEqual([]);
    // Every write answered 200 is in the database and in the flushed activity.
    const store = await getStore(project.id, "drain");
    expect(store.entryCount).toBe(ok);
    const activity = await getDb().storeActivity.findMany({ where: { storeRef: (await getDb().store.findFirstOrThrow({ where: { projectId: project.id, storeId: "drain" } })).id } });
    expect(activity.reduce((n, a) => n + a.writes, 0)).toBe(ok);
  });
});
