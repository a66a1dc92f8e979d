// GET, PUT, POST /api/bench/noop — no auth; 404 unless VAULT_BENCH_ROUTES=on.
// The benchmark's floor: a route handler that does nothing (lib/bench/noop.ts).
import { benchNoop } from "@/lib/bench/noop";

export const dynamic = "force-dynamic";

export const GET = benchNoop;
export const PUT = benchNoop;
export const POST = benchNoop;
