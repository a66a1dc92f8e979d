// GET /api/metrics on real SQLite and PostgreSQL, in-process through the
// same handler both serving paths use: absent without VAULT_METRICS_TOKEN,
// 401 without the token, and with it an exposition a Prometheus text parser
// accepts, with per-operation counts and latencies, entries per store, the
// master key, the audit queue and (PostgreSQL) the pool; no label carries a
// key hash or a token.
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { v1 } from "@/test/in-process";
import { fromWebRequest } from "@/lib/http/core";
import { resetConfigForTests } from "@/lib/config";
import { handleMetrics } from "./endpoint";

const TOKEN = "metrics-token-0123456789abcdef";

async function scrape(headers: Record<string, string> = {}) {
  return handleMetrics(fromWebRequest(new Request("http://vault.test/api/metrics", { headers }), "192.0.2.1"));
}

describeEachProvider("metrics", (provider) => {
  beforeAll(() => {
    delete process.env.VAULT_METRICS_TOKEN;
    resetConfigForTests();
  });
  afterAll(() => {
    delete process.env.VAULT_METRICS_TOKEN;
    resetConfigForTests();
  });

  it("does not exist without VAULT_METRICS_TOKEN; refuses a missing or wrong token", async () => {
    expect((await scrape({ authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    process.env.VAULT_METRICS_TOKEN = TOKEN;
    resetConfigForTests();
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe("UNAUTHENTICATED");
    expect((await scrape({ authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape({ authorization: TOKEN })).status).toBe(401);
  });

  it("serves the text exposition a Prometheus parser reads, with bounded, secret-free labels", async () => {
    process.env.VAULT_METRICS_TOKEN = TOKEN;
    resetConfigForTests();
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "m1");
    const hashes = [keyHash(), keyHash(), keyHash()];
    for (const k of hashes) await v1("PUT", `/api/v1/stores/m1/entries/${k}`, { token, body: { value: "ct" } });
    await v1("GET", `/api/v1/stores/m1/entries/${hashes[0]}`, { token });
    await v1("GET", `/api/v1/stores/m1/entries/${keyHash()}`, { token });
    await v1("GET", "/api/v1/nothing", { token });

    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers["Cache-Control"]).toBe("no-store");
    const families = new Map(parsePrometheusTextFormat(res.body).map((f) => [f.name, f]));

    const requests = families.get("vault_http_requests_total")!;
    expect(requests.type).toBe("COUNTER");
    const count = (operation: string, status: string) => Number(requests.metrics.find((m) => m.labels?.operation === operation && m.labels?.status === status)?.value ?? 0);
    expect(count("putEntry", "200")).toBeGreaterThanOrEqual(3);
    expect(count("getEntry", "200")).toBeGreaterThanOrEqual(1);
    expect(count("getEntry", "404")).toBeGreaterThanOrEqual(1);
    expect(count("unmatched", "404")).toBeGreaterThanOrEqual(1);
    expect(families.get("vault_http_request_duration_seconds")!.type).toBe("HISTOGRAM");

    const entries = families.get("vault_store_entries")!;
    expect(entries.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ labels: { project: project.id, store: "m1" }, value: "3" })]));
    expect(Number(families.get("vault_master_key_age_seconds")!.metrics[0]!.value)).toBeGreaterThanOrEqual(0);
    expect(Number(families.get("vault_master_key_version")!.metrics[0]!.value)).toBeGreaterThanOrEqual(1);
    for (const name of ["vault_audit_queue_depth", "vault_audit_events_written_total", "vault_audit_queue_capacity", "vault_rate_limited_total", "vault_master_key_wraps", "process_cpu_seconds_total"]) {
      expect(families.has(name), name).toBe(true);
    }
    expect(families.get("vault_audit_events_dropped_total")!.metrics.map((m) => m.labels?.reason).sort()).toEqual(["queue_full", "write_failed"]);
    if (provider === "postgres") {
      expect(families.get("vault_db_pool_connections")!.metrics.map((m) => m.labels?.state).sort()).toEqual(["idle", "max", "total", "waiting"]);
    }

    // No label anywhere carries a key hash or the server key.
    const labels = [...families.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    for (const secret of [...hashes, token]) expect(labels.join("\n")).not.toContain(secret);
    expect(res.body).not.toContain(token);
    for (const k of hashes) expect(res.body).not.toContain(k);
    // Bounded: operations come from the table.
    const operations = new Set(requests.metrics.map((m) => m.labels!.operation));
    for (const op of operations) expect(op).toMatch(/^(getStore|getEntry|putEntry|deleteEntry|batchGetEntries|batchSetEntries|getEntryAccessLog|getHealth|getOpenApiDocument|unmatched)$/);
  });
});
