/** Codes the vault sends (API.md, "Errors"). */
export type ServerErrorCode =
  | "INVALID_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "STORE_NOT_FOUND"
  | "ENTRY_NOT_FOUND"
  | "VERSION_CONFLICT"
  | "LEASE_LOST"
  | "VALUE_TOO_LARGE"
  | "RESPONSE_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  | "INTERNAL"
  /** 503: the vault cannot record the request in its audit log and fails closed (VAULT_AUDIT=required). */
  | "UNAVAILABLE";

/** Codes the SDK raises itself, before or instead of a server answer. */
export type ClientErrorCode =
  | "INVALID_ARGUMENT"
  | "VALUE_TOO_LARGE"
  | "DECRYPTION_FAILED"
  | "ROLLBACK_DETECTED"
  | "LEASE_TIMEOUT"
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
  "LEASE_LOST",
  "VALUE_TOO_LARGE",
  "RESPONSE_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
  "UNAVAILABLE",
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

/**
 * An authentic ciphertext of this entry, but not the one that belongs at
 * the version the vault reports: an older value put back (replayed) by
 * someone with a write key or database access. `foundVersion` is the
 * version the ciphertext was written for; null for a format v1 ciphertext
 * refused because the client was told not to accept v1 (`acceptV1: false`),
 * which is how a downgrade to an old v1 value looks.
 */
export class DataVaultRollbackError extends DataVaultError {
  readonly expectedVersion: number;
  readonly foundVersion: number | null;
  constructor(expectedVersion: number, foundVersion: number | null) {
    super(
      "ROLLBACK_DETECTED",
      foundVersion === null
        ? `The entry holds a format v1 value, refused because v1 is no longer accepted (the vault reports version ${expectedVersion}): possibly an old value put back.`
        : `The entry holds a value written for version ${foundVersion}, but the vault reports version ${expectedVersion}: an older value was put back (replayed).`,
    );
    this.name = "DataVaultRollbackError";
    this.expectedVersion = expectedVersion;
    this.foundVersion = foundVersion;
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
