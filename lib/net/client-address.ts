// The client's network address, for rate limits and security events.
//
// The peer (the socket's remote address) arrives in the x-data-vault-peer
// header, which the server in front of Next (`npm start`) sets from the
// socket after dropping any copy a client sent. X-Forwarded-For is read
// only when TRUSTED_PROXIES names the peer: the chain is walked from the
// right (the peer, then the nearest proxy's entry, ...) and the first
// address that is not a trusted proxy is the client. Without a peer
// header (plain `next start`, in-process tests) every request is
// "unknown": a forged X-Forwarded-For never picks the address.
//
// Client-safe to import (no server-only): proxy.ts may use it too.
import proxyaddr from "proxy-addr";
import ipaddr from "ipaddr.js";
import { ConfigError } from "@/lib/db/database-url";

export const PEER_HEADER = "x-data-vault-peer";
export const UNKNOWN_ADDRESS = "unknown";

export type TrustProxy = (address: string, hop: number) => boolean;

const trustNone: TrustProxy = () => false;

/**
 * TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses or CIDRs (and
 * proxy-addr's names loopback, linklocal, uniquelocal). Throws a
 * ConfigError naming the variable on anything else.
 */
export function parseTrustedProxies(value: string | undefined): TrustProxy {
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return trustNone;
  for (const entry of entries) {
    try {
      proxyaddr.compile(entry);
    } catch {
      throw new ConfigError(`TRUSTED_PROXIES: "${entry.slice(0, 60)}" is not an IP address or CIDR (e.g. 10.0.0.0/8, ::1)`);
    }
  }
  return proxyaddr.compile(entries);
}

let cached: { raw: string | undefined; trust: TrustProxy } | undefined;
function trustFromEnv(): TrustProxy {
  const raw = process.env.TRUSTED_PROXIES;
  if (!cached || cached.raw !== raw) cached = { raw, trust: parseTrustedProxies(raw) };
  return cached.trust;
}

/** The canonical text of an IP address (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
export function normaliseAddress(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text || text.length > 64) return null;
  // A zone id (fe80::1%eth0) is local detail, not part of the address.
  const bare = text.replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return null;
  return ipaddr.process(bare).toString();
}

/**
 * The client's address from the peer address and the X-Forwarded-For
 * header (for callers outside a Request, e.g. a Node server). "unknown"
 * when the peer is missing or not an IP address.
 */
export function clientAddressFrom(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trust: TrustProxy = trustFromEnv(),
): string {
  const socketAddress = normaliseAddress(peer);
  if (!socketAddress) return UNKNOWN_ADDRESS;
  if (!forwardedFor || trust === trustNone) return socketAddress;
  // proxy-addr reads the socket address and the header from a Node request;
  // this is the minimal shape it needs.
  const req = { headers: { "x-forwarded-for": forwardedFor }, socket: { remoteAddress: socketAddress } };
  const picked = proxyaddr(req as unknown as Parameters<typeof proxyaddr>[0], trust);
  // A trusted proxy wrote something that is not an address: the nearest
  // address we can vouch for is that proxy's peer.
  return normaliseAddress(picked) ?? socketAddress;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined;

function header(headers: HeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** The same from a header bag (next-auth passes plain objects). */
export function clientAddressFromHeaders(headers: HeaderBag): string {
  return clientAddressFrom(header(headers, PEER_HEADER), header(headers, "x-forwarded-for"));
}

/** The client's address for a route handler's request. */
export function clientAddress(req: Request): string {
  return clientAddressFromHeaders(req.headers);
}
