// A route handler that does nothing: the benchmark's baseline for what
// Next.js itself costs per request (bench/run.ts). It exists only when the
// server was started with VAULT_BENCH_ROUTES=on; otherwise it answers 404
// like any unknown path, so production never exposes it. The flag is read
// once per process (a module constant), so the check costs nothing.
export const dynamic = "force-dynamic";

const enabled = process.env.VAULT_BENCH_ROUTES === "on";
const NO_STORE = { "Cache-Control": "no-store" } as const;

function handle(): Response {
  if (!enabled) return new Response(null, { status: 404, headers: NO_STORE });
  return Response.json({ ok: true }, { headers: NO_STORE });
}

export const GET = handle;
export const PUT = handle;
export const POST = handle;
