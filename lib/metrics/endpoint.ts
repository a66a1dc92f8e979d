import "server-only";
// GET /api/metrics: the Prometheus text exposition, for a scraper holding
// VAULT_METRICS_TOKEN ("Authorization: Bearer <token>"). Without the
// variable the path does not exist (404). A wrong or missing token is 401
// and draws on the client address's budget for unknown credentials, like
// an unknown server key (429 once spent). Served by npm start's lean path
// (server/lean.ts) and by app/api/metrics/route.ts under next start.
import { createHash, timingSafeEqual } from "node:crypto";
import { getConfig } from "../config";
import { errorBody, errorResult, jsonResult, NO_STORE, type HttpRequest, type HttpResult } from "../http/core";
import { clientAddressFrom } from "../net/client-address";
import { takeUnauthenticated } from "../api/rate-limit";
import { VaultError } from "../vault/errors";
import { renderMetrics } from "./metrics";

export const METRICS_PATH = "/api/metrics";

const digest = (s: string) => createHash("sha256").update(s).digest();

function authorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec((header ?? "").trim());
  // Compared as digests: equal length, constant time.
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

export async function handleMetrics(req: HttpRequest): Promise<HttpResult> {
  try {
    const token = getConfig().VAULT_METRICS_TOKEN;
    if (!token) return jsonResult(errorBody("NOT_FOUND", "no such API path"), 404);
    if (req.method !== "GET" && req.method !== "HEAD") {
      const error = new VaultError("METHOD_NOT_ALLOWED", "allowed methods: GET");
      error.allow = ["GET"];
      throw error;
    }
    if (!authorized(req.header("authorization"), token)) {
      takeUnauthenticated(clientAddressFrom(req.peer, req.header("x-forwarded-for")));
      throw new VaultError("UNAUTHENTICATED", "missing or wrong metrics token (Authorization: Bearer <VAULT_METRICS_TOKEN>)");
    }
    const { body, contentType } = await renderMetrics();
    return { status: 200, headers: { ...NO_STORE, "content-type": contentType }, body };
  } catch (error) {
    return errorResult(error);
  }
}
