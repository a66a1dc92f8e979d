// The one error type services throw, and the one table that maps its codes
// to HTTP statuses (API.md, "Errors"). Messages are written for humans and
// never carry a value, a key, a token or a secret.
export const errorStatus = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STORE_NOT_FOUND: 404,
  ENTRY_NOT_FOUND: 404,
  PROJECT_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VERSION_CONFLICT: 409,
  LEASE_LOST: 409,
  STORE_EXISTS: 409,
  CONFLICT: 409,
  LENGTH_REQUIRED: 411,
  VALUE_TOO_LARGE: 413,
  RESPONSE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type ErrorDetail = { path: string; message: string };

export class VaultError extends Error {
  override name = "VaultError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = errorStatus[code];
  }

  /** For 405: the methods the path has (the Allow header). */
  allow?: string[];

  /** Hold the answer this long first (a throttled flood is slowed to its connection count). */
  delayMs?: number;
}

/** Stored data failed authentication: tampered, moved, or a wrong key. */
export class IntegrityError extends Error {
  override name = "IntegrityError";
}
