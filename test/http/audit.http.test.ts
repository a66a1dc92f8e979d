// The access audit and the metrics over real HTTP against the production
// build, as npm start serves it on both databases and as plain next start
// does on SQLite: the SDK's access log round-trips through the real
// server, every answer has an X-Request-Id the trail records, /api/metrics
// needs its token and parses, and neither the server's log nor the
// exposition carries a value, a logical key, a secret or a token.
import { randomBytes } from "node:crypto";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { startTestServer, type Serving, type TestServer } from "@/test/server";
import { makeProject, makeStoreAndKey } from "@/test/fixtures";
import { DataVaultClient } from "@/sdk/src/index";

const RUNS: [Provider, Serving][] = [
  ["sqlite", "npm-start"],
  ["postgres", "npm-start"],
  ["sqlite", "next"],
];
const METRICS_TOKEN = `metrics-${randomBytes(12).toString("hex")}`;

for (const [provider, serving] of RUNS) {
  const pgUp = await postgresReachable();
  describe.skipIf(provider === "postgres" && !pgUp)(`audit and metrics over HTTP [${provider}, ${serving}]`, () => {
    let server: TestServer;
    let token: string;
    const secret = `APP-SECRET-${randomBytes(12).toString("hex")}`;
    const logicalKey = `LOGICAL-KEY-${randomBytes(6).toString("hex")}`;
    const value = `PLAINTEXT-${randomBytes(6).toString("hex")}`;

    beforeAll(async () => {
      server = await startTestServer(provider, { VAULT_METRICS_TOKEN: METRICS_TOKEN, VAULT_RATE_LIMIT_PER_SECOND: "0" }, serving);
      const { project } = await makeProject();
      ({ token } = await makeStoreAndKey(project.id, "tokens"));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("the SDK's access log round-trips; answers carry X-Request-Id and the trail records it", async () => {
      const store = new DataVaultClient({ baseUrl: server.url, serverKey: token }).getDataVaultStore("tokens");
      await store.setValue(logicalKey, value, { secret });
      expect(await store.getValue(logicalKey, { secret })).toBe(value);
      const res = await fetch(`${server.url}/api/v1/stores/tokens`, { headers: { authorization: `Bearer ${token}`, "x-request-id": "trace-abc.123" } });
      expect(res.headers.get("x-request-id")).toBe("trace-abc.123");
      const generated = await fetch(`${server.url}/api/v1/stores/tokens`, { headers: { authorization: `Bearer ${token}`, "x-request-id": "bad id with spaces" } });
      expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      // Written a moment after each request.
      await expect
        .poll(async () => (await store.getAccessLog(logicalKey, { secret })).events.filter((e) => e.action !== "entry.access_log").map((e) => [e.action, e.result]), { timeout: 30_000, interval: 300 })
        .toEqual([
          ["entry.read", "ok"],
          ["entry.write", "ok"],
          // setValue reads the current version first (format v2 binds it into the ciphertext).
          ["entry.read", "miss"],
        ]);
      // Reading the log is itself recorded: the newest event, once written.
      await expect.poll(async () => (await store.getAccessLog(logicalKey, { secret, limit: 1 })).events[0]?.action, { timeout: 30_000, interval: 300 }).toBe("entry.access_log");
      const log = await store.getAccessLog(logicalKey, { secret, limit: 1 });
      expect(log.events).toHaveLength(1);
      // Plain next start does not tell route handlers the TCP peer (lib/net/client-address.ts).
      const address = serving === "next" ? "unknown" : expect.stringMatching(/127\.0\.0\.1/);
      expect(log.events[0]).toMatchObject({ action: "entry.access_log", result: "ok", status: 200, clientAddress: address });
      expect(log.nextCursor).toMatch(/^[0-9a-f]{28}$/);
    });

    it("/api/metrics needs its token and answers the text format", async () => {
      expect((await fetch(`${server.url}/api/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}-wrong` } })).status).toBe(401);
      const res = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
      const requests = families.get("vault_http_requests_total")!;
      expect(requests.metrics.some((m) => m.labels?.operation === "putEntry" && m.labels.status === "200")).toBe(true);
      expect(families.get("vault_store_entries")!.metrics.some((m) => m.labels?.store === "tokens" && m.value === "1")).toBe(true);
      for (const marker of [token, secret, logicalKey, value]) expect(text).not.toContain(marker);
    });

    it("the server's log carries no value, logical key, secret or token", () => {
      const logs = server.logs();
      for (const marker of [token, secret, logicalKey, value, METRICS_TOKEN]) expect(logs).not.toContain(marker);
    });
  });
}
