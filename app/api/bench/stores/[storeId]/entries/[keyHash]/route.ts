// A no-op route handler with the same dynamic path shape as the entry
// route (/api/v1/stores/{storeId}/entries/{keyHash}): the benchmark's
// baseline for what Next.js itself costs per request on such a path,
// dynamic segments included. 404 unless VAULT_BENCH_ROUTES=on.
export const dynamic = "force-dynamic";

const enabled = process.env.VAULT_BENCH_ROUTES === "on";
const NO_STORE = { "Cache-Control": "no-store" } as const;

function handle(): Response {
  if (!enabled) return new Response(null, { status: 404, headers: NO_STORE });
  return Response.json({ ok: true }, { headers: NO_STORE });
}

export const GET = handle;
export const PUT = handle;
