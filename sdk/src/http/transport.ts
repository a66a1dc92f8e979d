import {
  DataVaultError,
  DataVaultNetworkError,
  DataVaultTimeoutError,
  isServerErrorCode,
} from "../errors.js";
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, sleep } from "./backoff.js";

/** The subset of `fetch` the SDK uses; inject your own for proxies or tests. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * - "idempotent": repeating the request cannot change the outcome, so
 *   network errors, timeouts, 5xx and 429 are all retried.
 * - "rate-limit-only": a check-and-set write. A lost response may hide a
 *   write that happened; repeating it would then fail with VERSION_CONFLICT
 *   (or, worse, succeed on top of someone else's change). Only 429 is
 *   retried, because a rate-limited request was refused before running.
 */
export type RetryPolicy = "idempotent" | "rate-limit-only";

export interface TransportConfig {
  baseUrl: string;
  serverKey: string;
  timeoutMs: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryAfterMs: number;
  fetch: FetchLike;
}

export interface VaultResponse {
  status: number;
  body: unknown;
}

type Attempt =
  | { kind: "response"; status: number; retryAfter: string | null; text: string }
  | { kind: "failure"; error: DataVaultError };

const MAX_SERVER_MESSAGE_CHARS = 300;

export class Transport {
  constructor(private readonly config: TransportConfig) {}

  async request(method: string, path: string, body: unknown, policy: RetryPolicy): Promise<VaultResponse> {
    const { retries } = this.config;
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.attempt(method, path, body);
      const canRetry = attempt < retries;
      if (result.kind === "failure") {
        if (canRetry && policy === "idempotent") {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw result.error;
      }
      if (result.status === 429) {
        const retryAfterMs = parseRetryAfterMs(result.retryAfter);
        if (canRetry && (retryAfterMs === undefined || retryAfterMs <= this.config.maxRetryAfterMs)) {
          await sleep(retryAfterMs ?? this.backoff(attempt));
          continue;
        }
        throw toError(result.status, result.text, retryAfterMs);
      }
      if (isRetryableStatus(result.status) && canRetry && policy === "idempotent") {
        await sleep(this.backoff(attempt));
        continue;
      }
      if (result.status < 200 || result.status >= 300) throw toError(result.status, result.text, undefined);
      return { status: result.status, body: parseJson(result.text, result.status) };
    }
  }

  private backoff(attempt: number): number {
    return backoffDelayMs(attempt, this.config.retryBaseDelayMs, this.config.retryMaxDelayMs);
  }

  /** One attempt: fetch and read the body, both under one timeout. */
  private async attempt(method: string, path: string, body: unknown): Promise<Attempt> {
    const { timeoutMs } = this.config;
    const controller = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.config.serverKey}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    const init: RequestInit = { method, headers, signal: controller.signal, redirect: "error" };
    if (body !== undefined) init.body = JSON.stringify(body);

    const work = (async (): Promise<Attempt> => {
      const response = await this.config.fetch(this.config.baseUrl + path, init);
      const text = await response.text();
      return { kind: "response", status: response.status, retryAfter: response.headers.get("retry-after"), text };
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Raced rather than trusting the abort alone: an injected fetch may
    // ignore the signal, and the timeout must hold anyway.
    const timeout = new Promise<Attempt>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ kind: "failure", error: new DataVaultTimeoutError(timeoutMs) });
      }, timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      // The cause is kept for debugging; fetch errors carry the URL (store
      // id and key hash, never a secret), not the Authorization header.
      return { kind: "failure", error: new DataVaultNetworkError(`Could not reach the vault (${method} request failed).`, error) };
    } finally {
      clearTimeout(timer);
      work.catch(() => {}); // the loser of the race must not become an unhandled rejection
    }
  }
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DataVaultError("INVALID_RESPONSE", `Vault answered ${status} with a body that is not JSON.`, { status });
  }
}

function toError(status: number, text: string, retryAfterMs: number | undefined): DataVaultError {
  let code: unknown;
  let message: unknown;
  let details: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    code = parsed.error?.code;
    message = parsed.error?.message;
    details = parsed.error?.details;
  } catch {
    // Not the contract's error shape (a proxy page, say): fall through.
  }
  const serverMessage = typeof message === "string" ? `: ${message.slice(0, MAX_SERVER_MESSAGE_CHARS)}` : "";
  const options = { status, details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (isServerErrorCode(code)) return new DataVaultError(code, `Vault answered ${status} ${code}${serverMessage}`, options);
  return new DataVaultError("HTTP_ERROR", `Vault answered HTTP ${status}.`, options);
}
