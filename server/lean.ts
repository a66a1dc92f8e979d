// The lean path of `npm start`: /api/v1/* and /api/health answered straight
// from the operation table on node:http, without Next's request pipeline
// (which costs about a millisecond of CPU a request, 95% of a v1 call), and
// /api/metrics (the Prometheus scrape, cheap, so it should not pay Next's
// cost either; app/api/metrics/route.ts serves it under next start).
// It runs the same dispatcher as the route files (lib/api/dispatch.ts), so
// both paths answer alike; anything it does not own goes to Next.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleV1, matchRoute, type Match } from "@/lib/api/dispatch";
import { errorResult, fromNodeRequest, writeNodeResponse } from "@/lib/http/core";
import { dropRestOfBody } from "@/lib/http/linger";
import { handleMetrics, METRICS_PATH } from "@/lib/metrics/endpoint";

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * What the lean path answers for this URL: the health check, the metrics,
 * and every path of the table (with its route match, so the dispatcher
 * does not match it again); null for the rest. Other /api/v1 paths
 * (unknown ones, trailing slashes) go to Next, whose catch-all answers
 * through the same dispatcher.
 */
export type LeanTarget = { match: Match | undefined };

export function leanTarget(url: string): LeanTarget | null {
  const path = pathOf(url);
  if (path === "/api/health" || path === METRICS_PATH) return { match: undefined };
  if (!path.startsWith("/api/v1/")) return null;
  try {
    const match = matchRoute(path);
    return match === null ? null : { match };
  } catch {
    // A malformed escape in a table path: the dispatcher matches again and answers 400.
    return { match: undefined };
  }
}

export async function serveLean(req: IncomingMessage, res: ServerResponse, target: LeanTarget): Promise<void> {
  let result;
  try {
    const request = fromNodeRequest(req);
    result = await (request.path === METRICS_PATH ? handleMetrics(request) : handleV1(request, target.match));
  } catch (error) {
    result = errorResult(error);
  }
  writeNodeResponse(res, result);
  // A body refused past its cap was not read to the end.
  if (!req.complete) dropRestOfBody(req);
}
