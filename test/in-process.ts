// The v1 pipeline called in-process (no server, no build): a fetch that
// hands each request to the same dispatcher both serving paths use, from a
// given client address. The SDK accepts it as its `fetch`.
import { handleV1 } from "@/lib/api/dispatch";
import { fromWebRequest, toWebResponse } from "@/lib/http/core";

export function inProcessFetch(peer = "203.0.113.7"): (url: string, init?: RequestInit) => Promise<Response> {
  return async (url, init) => toWebResponse(await handleV1(fromWebRequest(new Request(url, init), peer)));
}

export type Call = { status: number; json: any; headers: Headers }; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers vary per operation

/** One v1 request in-process: method, path, optional JSON body, token and headers. */
export async function v1(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string>; peer?: string } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
  const res = await inProcessFetch(opts.peer)(`http://vault.test${path}`, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}
