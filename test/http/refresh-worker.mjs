// One app process of the refresh tests (test/http/refresh.http.test.ts):
// the SDK as built (plain JS), refreshing one OAuth token whose provider
// issues single-use refresh tokens. Configured by the WORKER environment
// variable (JSON); talks on stdio: prints READY, waits for "go", prints
// one JSON result line. Modes:
//   stress: `calls` refreshes at random moments within `spreadMs`, all concurrent
//   single: one refresh, with the time its function started
//   hang:   holds the lease and never returns (the test kills the process)
//   freeze: holds the lease, waits for a second "go", then returns "from-frozen"
import { createInterface } from "node:readline";

const cfg = JSON.parse(process.env.WORKER);
const { DataVaultClient } = await import(cfg.sdk);
const client = new DataVaultClient({ baseUrl: cfg.url, serverKey: cfg.serverKey, cache: true, timeoutMs: 60_000, retries: 4 });
const store = client.getDataVaultStore(cfg.storeId);
const options = { secret: cfg.secret, leaseMs: cfg.leaseMs, waitMs: cfg.waitMs, coalesce: cfg.coalesce };

const lines = createInterface({ input: process.stdin });
const waiting = [];
lines.on("line", (line) => waiting.shift()?.(line));
const nextLine = () => new Promise((resolve) => waiting.push(resolve));

async function callProvider(token) {
  const res = await fetch(cfg.provider, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh_token: token }) });
  const body = await res.json();
  if (!res.ok) throw new Error(`provider: ${body.error}`);
  return body.refresh_token;
}

// Warm up: derive the key (cached) and open a connection before the start line.
await store.getValue(cfg.key, { secret: cfg.secret });
console.log("READY");
await nextLine();

const out = { pid: process.pid, runs: 0, values: [], errors: [], latencies: [] };
if (cfg.mode === "stress") {
  const calls = Array.from({ length: cfg.calls }, async () => {
    await new Promise((r) => setTimeout(r, Math.random() * cfg.spreadMs));
    const started = Date.now();
    try {
      const value = await store.refresh(cfg.key, async (current) => {
        out.runs++;
        return callProvider(current);
      }, options);
      out.values.push(value);
    } catch (error) {
      out.errors.push(`${error.code ?? error.name}: ${error.message}`);
    }
    out.latencies.push(Date.now() - started);
  });
  await Promise.all(calls);
} else if (cfg.mode === "single") {
  try {
    out.values.push(await store.refresh(cfg.key, async (current) => {
      out.runs++;
      out.fnStartedAt = Date.now();
      out.sawValue = current;
      return callProvider(current);
    }, options));
  } catch (error) {
    out.errors.push(`${error.code ?? error.name}: ${error.message}`);
  }
} else if (cfg.mode === "hang" || cfg.mode === "freeze") {
  try {
    out.values.push(await store.refresh(cfg.key, async () => {
      out.runs++;
      console.log("IN_FN");
      if (cfg.mode === "hang") {
        setInterval(() => {}, 1_000); // stay alive until killed
        await new Promise(() => {});
      }
      await nextLine();
      return "from-frozen";
    }, options));
  } catch (error) {
    out.errors.push(`${error.code ?? error.name}: ${error.message}`);
  }
}
console.log(JSON.stringify(out));
process.exit(0);
