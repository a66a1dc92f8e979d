/** Codes the vault sends (API.md, "Errors"). */
export type ServerErrorCode =
  | "INVALID_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "STORE_NOT_FOUND"
  | "ENTRY_NOT_FOUND"
  | "VERSION_CONFLICT"
  | "VALUE_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL";

/** Codes the SDK raises itself, before or instead of a server answer. */
export type ClientErrorCode =
  | "INVALID_ARGUMENT"
  | "VALUE_TOO_LARGE"
  | "DECRYPTION_FAILED"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "INVALID_RESPONSE"
  | "HTTP_ERROR"
  | "UNSUPPORTED_RUNTIME";

export type DataVaultErrorCode = ServerErrorCode | ClientErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set<ServerErrorCode>([
  "INVALID_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "STORE_NOT_FOUND",
  "ENTRY_NOT_FOUND",
  "VERSION_CONFLICT",
  "VALUE_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
]);

export function isServerErrorCode(code: unknown): code is ServerErrorCode {
  return typeof code === "string" && SERVER_CODES.has(code);
}

export interface DataVaultErrorOptions {
  /** HTTP status when the error came from a response. */
  status?: number;
  /** Field list from a 400 `error.details`, as the server sent it. */
  details?: unknown;
  /** Milliseconds the server asked to wait (429 Retry-After). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Every error the SDK throws. Messages never contain the secret, a value
 * or the server key, so they are safe to log.
 */
export class DataVaultError extends Error {
  readonly code: DataVaultErrorCode;
  readonly status: number | undefined;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(code: DataVaultErrorCode, message: string, options: DataVaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DataVaultError";
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Ciphertext that is not an authentic v1 value for this entry. */
export class DataVaultDecryptionError extends DataVaultError {
  constructor(message: string) {
    super("DECRYPTION_FAILED", message);
    this.name = "DataVaultDecryptionError";
  }
}

/** fetch itself failed (DNS, refused connection, reset). */
export class DataVaultNetworkError extends DataVaultError {
  constructor(message: string, cause?: unknown) {
    super("NETWORK_ERROR", message, cause === undefined ? {} : { cause });
    this.name = "DataVaultNetworkError";
  }
}

/** An attempt ran past `timeoutMs`. */
export class DataVaultTimeoutError extends DataVaultError {
  constructor(timeoutMs: number) {
    super("TIMEOUT", `Request to the vault timed out after ${timeoutMs} ms.`);
    this.name = "DataVaultTimeoutError";
  }
}

export function invalidArgument(message: string): DataVaultError {
  return new DataVaultError("INVALID_ARGUMENT", message);
}
