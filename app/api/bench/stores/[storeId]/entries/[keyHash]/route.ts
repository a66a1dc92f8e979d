// GET, PUT /api/bench/stores/{storeId}/entries/{keyHash} — no auth; 404
// unless VAULT_BENCH_ROUTES=on. The same no-op on a path shaped like the
// entry route (two dynamic segments): what Next.js alone costs there.
import { benchNoop } from "@/lib/bench/noop";

export const dynamic = "force-dynamic";

export const GET = benchNoop;
export const PUT = benchNoop;
