// The dashboard's public URL (PUBLIC_URL, else NEXTAUTH_URL) and the host
// and origin checks that follow from it.
//
// With a public URL, a request for any other Host is refused (a
// DNS-rebinding page reaches the server under the attacker's host name)
// and the dashboard's JSON routes accept only that URL's Origin. Without
// one, only loopback names and IP literals are accepted as Host: a
// rebinding attack needs a DNS name, so a name means "set PUBLIC_URL".
//
// No server-only import: proxy.ts uses this too.
import ipaddr from "ipaddr.js";
import { ConfigError } from "@/lib/db/database-url";

type Env = Record<string, string | undefined>;

let cached: { raw: string; url: URL } | undefined;

/** The configured public URL, or null. Throws a ConfigError naming the variable when unusable. */
export function publicUrl(env: Env = process.env): URL | null {
  const name = env.PUBLIC_URL?.trim() ? "PUBLIC_URL" : "NEXTAUTH_URL";
  const raw = (env.PUBLIC_URL?.trim() || env.NEXTAUTH_URL?.trim()) ?? "";
  if (!raw) return null;
  if (cached?.raw === raw) return cached.url;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: not a URL (e.g. https://vault.example.com)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name}: use an http:// or https:// URL`);
  if (env.PUBLIC_URL?.trim() && env.NEXTAUTH_URL?.trim() && new URL(env.NEXTAUTH_URL.trim()).origin !== url.origin) {
    throw new ConfigError("PUBLIC_URL and NEXTAUTH_URL name different origins; set only PUBLIC_URL");
  }
  cached = { raw, url };
  return url;
}

export function publicUrlIsHttps(env: Env = process.env): boolean {
  return publicUrl(env)?.protocol === "https:";
}

/** Loopback names and IP literals, with an optional port. */
function isLocalOrIpHost(host: string): boolean {
  let name = host;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (v6) name = v6[1]!;
  else name = host.replace(/:\d+$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  return ipaddr.isValid(name) && (name.includes(":") ? Boolean(v6) : ipaddr.IPv4.isValidFourPartDecimal(name));
}

/** May a request with this Host header be served? */
export function hostAllowed(host: string | null, env: Env = process.env): boolean {
  if (!host) return false;
  const h = host.trim().toLowerCase();
  const configured = publicUrl(env);
  if (configured) return h === configured.host;
  return isLocalOrIpHost(h);
}

/** Is this Origin header the dashboard's own origin? */
export function originAllowed(origin: string, host: string | null, env: Env = process.env): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  const configured = publicUrl(env);
  if (configured) return parsed.origin === configured.origin;
  // No public URL: the Host the browser used, when that Host is acceptable.
  return Boolean(host) && hostAllowed(host, env) && parsed.host === host!.trim().toLowerCase();
}

/** The base for links the server hands out (invitations, setup). */
export function linkBase(env: Env = process.env, fallbackHost?: string | null): string {
  const configured = publicUrl(env);
  if (configured) return configured.origin;
  if (fallbackHost && hostAllowed(fallbackHost, env)) return `http://${fallbackHost.toLowerCase()}`;
  return `http://localhost:${env.PORT || 3000}`;
}
