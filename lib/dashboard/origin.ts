// Same-origin only: the dashboard's JSON routes answer requests from the
// dashboard's own pages and nothing else. A browser always sends Origin on
// a cross-site request and on any same-origin non-GET fetch; a mutation
// without it is refused. Together with the required application/json body
// (which a plain HTML form cannot send) this stops CSRF without tokens.
import "server-only";
import { VaultError } from "@/lib/vault/errors";

function allowedHosts(req: Request): Set<string> {
  const hosts = new Set<string>();
  const host = req.headers.get("host");
  if (host) hosts.add(host.toLowerCase());
  try {
    hosts.add(new URL(req.url).host.toLowerCase());
  } catch {
    // Relative URLs do not happen in route handlers; nothing to add.
  }
  const configured = process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      hosts.add(new URL(configured).host.toLowerCase());
    } catch {
      // An unparsable NEXTAUTH_URL adds nothing; next-auth reports it.
    }
  }
  return hosts;
}

export function checkSameOrigin(req: Request): void {
  const origin = req.headers.get("origin");
  const fetchSite = req.headers.get("sec-fetch-site");
  const mutation = req.method !== "GET" && req.method !== "HEAD";
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") {
    throw new VaultError("FORBIDDEN", "Cross-site requests are not allowed.");
  }
  if (!origin) {
    if (mutation) throw new VaultError("FORBIDDEN", "Missing Origin header.");
    return;
  }
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    throw new VaultError("FORBIDDEN", "Cross-site requests are not allowed.");
  }
  if (!allowedHosts(req).has(originHost)) throw new VaultError("FORBIDDEN", "Cross-site requests are not allowed.");
}
