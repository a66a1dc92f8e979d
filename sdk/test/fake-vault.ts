// An in-memory implementation of the HTTP contract in shared/API.md, with
// fault injection. Used through a fake fetch (unit tests) or a real
// node:http server (packed-tarball test).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** A fault replaces (or follows) the normal handling of one request. */
export type Fault =
  | { kind: "respond"; response: FakeResponse }
  | { kind: "network" }
  | { kind: "hang" }
  /** Handle the request for real, then lose the response. */
  | { kind: "lose-response" };

interface StoredEntry {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

interface Lease {
  token: string;
  expiresAt: number;
}

const STORE_ID = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}$/;
const KEY_HASH = /^[A-Za-z0-9_-]{16,128}$/;

function error(status: number, code: string, message: string): FakeResponse {
  return { status, body: { error: { code, message } } };
}

export class FakeVault {
  readonly serverKey = "dvk_test_0123456789abcdef";
  readonly stores = new Map<string, Map<string, StoredEntry>>();
  /** Secret generation per stored entry (what the real vault keeps in a column). */
  readonly generations = new Map<string, Map<string, string | null>>();
  /** Entry leases per store, by key hash. */
  readonly leases = new Map<string, Map<string, Lease>>();
  private leaseCounter = 0;
  readonly log: FakeRequest[] = [];
  readonly faults: Fault[] = [];
  /** Lets a test act between "request received" and "request handled". */
  beforeHandle: ((request: FakeRequest) => Promise<void> | void) | null = null;
  maxValueChars = 2_097_152;
  /** The server's cap on one batch answer (stored ciphertext characters here). */
  maxBatchAnswer = Infinity;

  constructor(storeIds: readonly string[] = ["oauth-tokens"]) {
    for (const id of storeIds) {
      this.stores.set(id, new Map());
      this.generations.set(id, new Map());
      this.leases.set(id, new Map());
    }
  }

  /** Every stored ciphertext and key hash, for "nothing leaks" checks. */
  dump(): string {
    return JSON.stringify([...this.stores].map(([id, entries]) => [id, [...entries]]));
  }

  entryCount(storeId = "oauth-tokens"): number {
    return this.stores.get(storeId)?.size ?? 0;
  }

  handle(request: FakeRequest): FakeResponse {
    if (request.headers["authorization"] !== `Bearer ${this.serverKey}`) return error(401, "UNAUTHENTICATED", "bad key");
    const [pathOnly, search = ""] = request.path.split("?");
    const query = new URLSearchParams(search);
    const match = /^\/api\/v1\/stores\/([^/]+)(?:\/entries\/([^/]+)(\/lease(?:\/release)?)?)?$/.exec(pathOnly!);
    if (!match) return error(404, "NOT_FOUND", "no route");
    const storeId = decodeURIComponent(match[1] as string);
    const tail = match[2];
    const leasePath = match[3];
    if (!STORE_ID.test(storeId)) return error(400, "INVALID_REQUEST", "bad store id");
    const store = this.stores.get(storeId);
    if (!store) return error(404, "STORE_NOT_FOUND", "no store");
    let body: Record<string, unknown> = {};
    if (request.method === "PUT" || request.method === "POST") {
      try {
        body = JSON.parse(request.body) as Record<string, unknown>;
      } catch {
        return error(400, "INVALID_REQUEST", "bad json");
      }
    }
    const generations = this.generations.get(storeId)!;
    const leases = this.leases.get(storeId)!;
    if (tail === undefined) {
      if (request.method !== "GET") return error(405, "INVALID_REQUEST", "method");
      const counts = new Map<string | null, number>();
      for (const key of store.keys()) counts.set(generations.get(key) ?? null, (counts.get(generations.get(key) ?? null) ?? 0) + 1);
      const list = [...counts].map(([id, entryCount]) => ({ id, entryCount })).sort((a, b) => b.entryCount - a.entryCount);
      return { status: 200, body: { id: storeId, displayName: storeId, entryCount: store.size, createdAt: new Date(0).toISOString(), generations: list } };
    }
    if (leasePath !== undefined) {
      if (request.method !== "POST" || !KEY_HASH.test(tail)) return error(400, "INVALID_REQUEST", "lease");
      return leasePath === "/lease" ? this.lease(store, leases, tail, body) : this.release(leases, tail, body);
    }
    if (tail === "batch-get" && request.method === "POST") return this.batchGet(store, body);
    if (tail === "batch-set" && request.method === "POST") return this.batchSet(store, generations, body);
    if (!KEY_HASH.test(tail)) return error(400, "INVALID_REQUEST", "bad key hash");
    const entry = store.get(tail);
    switch (request.method) {
      case "GET":
        return entry ? { status: 200, body: entry } : error(404, "ENTRY_NOT_FOUND", "no entry");
      case "DELETE":
        if (query.has("ifVersion") && Number(query.get("ifVersion")) !== (entry?.version ?? 0)) {
          return error(409, "VERSION_CONFLICT", "version mismatch");
        }
        if (!entry) return error(404, "ENTRY_NOT_FOUND", "no entry");
        store.delete(tail);
        generations.delete(tail);
        return { status: 200, body: { deleted: true } };
      case "PUT": {
        const value = body.value;
        if (typeof value !== "string" || value.length === 0) return error(400, "INVALID_REQUEST", "value");
        if (value.length > this.maxValueChars) return error(413, "VALUE_TOO_LARGE", "too large");
        if (body.releaseLease !== undefined && body.leaseToken === undefined) return error(400, "INVALID_REQUEST", "releaseLease");
        if (body.leaseToken !== undefined && leases.get(tail)?.token !== body.leaseToken) return error(409, "LEASE_LOST", "lease lost");
        if (body.ifVersion !== undefined && body.ifVersion !== (entry?.version ?? 0)) {
          return error(409, "VERSION_CONFLICT", "version mismatch");
        }
        const written = this.write(store, tail, value, (body.expiresAt as string | null | undefined) ?? null);
        generations.set(tail, (body.generation as string | undefined) ?? null);
        if (body.releaseLease === true) leases.delete(tail);
        return { status: 200, body: { version: written.version, created: written.version === 1 } };
      }
      default:
        return error(405, "INVALID_REQUEST", "method");
    }
  }

  private write(store: Map<string, StoredEntry>, keyHash: string, value: string, expiresAt: string | null): StoredEntry {
    const now = new Date().toISOString();
    const old = store.get(keyHash);
    const entry = { value, version: (old?.version ?? 0) + 1, createdAt: old?.createdAt ?? now, updatedAt: now, expiresAt };
    store.set(keyHash, entry);
    return entry;
  }

  private batchGet(store: Map<string, StoredEntry>, body: Record<string, unknown>): FakeResponse {
    const keys = body.keys;
    if (!Array.isArray(keys) || keys.length < 1 || keys.length > 100 || new Set(keys).size !== keys.length) {
      return error(400, "INVALID_REQUEST", "keys");
    }
    const entries: Record<string, StoredEntry | null> = {};
    for (const key of keys as string[]) entries[key] = store.get(key) ?? null;
    const size = Object.values(entries).reduce((n, e) => n + (e?.value.length ?? 0), 0);
    if (size > this.maxBatchAnswer) return error(413, "RESPONSE_TOO_LARGE", "ask for fewer keys");
    return { status: 200, body: { entries } };
  }

  private lease(store: Map<string, StoredEntry>, leases: Map<string, Lease>, keyHash: string, body: Record<string, unknown>): FakeResponse {
    const ttlMs = body.ttlMs;
    if (typeof ttlMs !== "number" || ttlMs < 100 || ttlMs > 600_000) return error(400, "INVALID_REQUEST", "ttlMs");
    const now = Date.now();
    const entry = store.get(keyHash) ?? null;
    const version = entry?.version ?? 0;
    const held = leases.get(keyHash);
    if (typeof body.token === "string") {
      if (held?.token !== body.token) return { status: 200, body: { acquired: false, reason: "lost", version } };
      held.expiresAt = now + ttlMs;
      return { status: 200, body: { acquired: true, token: held.token, expiresAt: new Date(held.expiresAt).toISOString(), version, entry } };
    }
    if (body.ifVersion !== undefined && body.ifVersion !== version) return { status: 200, body: { acquired: false, reason: "version", version, entry } };
    if (held && held.expiresAt > now) return { status: 200, body: { acquired: false, reason: "held", expiresAt: new Date(held.expiresAt).toISOString(), version } };
    const lease = { token: `lease-token-${String(++this.leaseCounter).padStart(10, "0")}`, expiresAt: now + ttlMs };
    leases.set(keyHash, lease);
    return { status: 200, body: { acquired: true, token: lease.token, expiresAt: new Date(lease.expiresAt).toISOString(), version, entry } };
  }

  private release(leases: Map<string, Lease>, keyHash: string, body: Record<string, unknown>): FakeResponse {
    if (typeof body.token !== "string") return error(400, "INVALID_REQUEST", "token");
    const released = leases.get(keyHash)?.token === body.token;
    if (released) leases.delete(keyHash);
    return { status: 200, body: { released } };
  }

  private batchSet(store: Map<string, StoredEntry>, generations: Map<string, string | null>, body: Record<string, unknown>): FakeResponse {
    const items = body.entries as Array<{ key: string; value: string; expiresAt?: string | null; ifVersion?: number; generation?: string }> | undefined;
    if (!Array.isArray(items) || items.length < 1 || items.length > 100) return error(400, "INVALID_REQUEST", "entries");
    if (new Set(items.map((i) => i.key)).size !== items.length) return error(400, "INVALID_REQUEST", "duplicates");
    for (const item of items) {
      if (!KEY_HASH.test(item.key) || typeof item.value !== "string" || item.value.length === 0) return error(400, "INVALID_REQUEST", "entry");
      if (item.value.length > this.maxValueChars) return error(413, "VALUE_TOO_LARGE", "too large");
    }
    // Atomic: every ifVersion is checked before anything is written.
    for (const item of items) {
      if (item.ifVersion !== undefined && item.ifVersion !== (store.get(item.key)?.version ?? 0)) return error(409, "VERSION_CONFLICT", "version mismatch");
    }
    const versions: Record<string, number> = {};
    for (const item of items) {
      versions[item.key] = this.write(store, item.key, item.value, item.expiresAt ?? null).version;
      generations.set(item.key, item.generation ?? null);
    }
    return { status: 200, body: { versions } };
  }

  /** A fetch that talks to this vault in-process. */
  readonly fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const parsed = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const request: FakeRequest = { method: init.method ?? "GET", path: parsed.pathname + parsed.search, headers, body: typeof init.body === "string" ? init.body : "" };
    this.log.push(request);
    if (this.beforeHandle) await this.beforeHandle(request);
    const fault = this.faults.shift();
    const signal = init.signal;
    if (fault?.kind === "network") throw new TypeError("fetch failed");
    if (fault?.kind === "hang") {
      return new Promise<Response>((_, reject) => {
        signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    }
    const response = fault?.kind === "respond" ? fault.response : this.handle(request);
    if (fault?.kind === "lose-response") throw new TypeError("fetch failed: socket hang up");
    return new Response(JSON.stringify(response.body), {
      status: response.status,
      headers: { "content-type": "application/json", "cache-control": "no-store", ...response.headers },
    });
  };

  /** Serves the same vault over real HTTP on 127.0.0.1. */
  async listen(): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
        const request = { method: req.method ?? "GET", path: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") };
        this.log.push(request);
        const response = this.handle(request);
        res.writeHead(response.status, { "content-type": "application/json", "cache-control": "no-store", ...response.headers });
        res.end(JSON.stringify(response.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      server,
      close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
    };
  }
}
