// The dashboard's fetch: same-origin JSON, and every non-2xx answer thrown
// as an ApiError carrying the server's code, message and field details.
// Client-safe.
export type FieldDetail = { path: string; message: string };

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldDetail[] = [],
  ) {
    super(message);
  }

  /** The message for one field, when the server named it. */
  field(path: string): string | undefined {
    return this.details.find((d) => d.path === path)?.message;
  }
}

export async function apiFetch<T>(url: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? "GET";
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      signal: init.signal,
      headers: method === "GET" ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: method === "GET" ? undefined : JSON.stringify(init.body ?? {}),
    });
  } catch (error) {
    if ((error as Error)?.name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK_ERROR", "Cannot reach the server. Check your connection and try again.");
  }
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: FieldDetail[] } } | null;
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? "HTTP_ERROR", e?.message ?? `The server answered ${res.status}.`, e?.details ?? []);
  }
  return data as T;
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
