// GET /api/metrics — bearer VAULT_METRICS_TOKEN: Prometheus text exposition (404 when the variable is unset).
// npm start answers this path on its lean path (server/lean.ts); this file serves it under next start.
import { fromWebRequest, toWebResponse } from "@/lib/http/core";
import { handleMetrics } from "@/lib/metrics/endpoint";

const serve = async (req: Request) => toWebResponse(await handleMetrics(fromWebRequest(req)));
export const dynamic = "force-dynamic";
export { serve as GET, serve as HEAD, serve as POST, serve as PUT, serve as PATCH, serve as DELETE };
