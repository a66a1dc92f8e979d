// The benchmark's no-op route handler (bench/run.ts): it does nothing, so
// it measures what Next.js itself costs per request. It answers 404 unless
// the server was started with VAULT_BENCH_ROUTES=on, so production never
// exposes it; the flag is read once per process.
const enabled = process.env.VAULT_BENCH_ROUTES === "on";
const NO_STORE = { "Cache-Control": "no-store" } as const;

export function benchNoop(): Response {
  if (!enabled) return new Response(null, { status: 404, headers: NO_STORE });
  return Response.json({ ok: true }, { headers: NO_STORE });
}
