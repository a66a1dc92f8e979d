// Same-origin only: the dashboard's JSON routes answer requests from the
// dashboard's own pages and nothing else. The Origin must be the public URL
// (PUBLIC_URL or NEXTAUTH_URL) when one is set, never just whatever Host
// the request names (a DNS-rebinding page controls that). A browser always
// sends Origin on a cross-site request and on any same-origin non-GET
// fetch; a mutation without it is refused. Together with the required
// application/json body (which a plain HTML form cannot send) this stops
// CSRF without tokens. lib/net/public-url.ts holds the rules.
import "server-only";
import { VaultError } from "@/lib/vault/errors";
import { hostAllowed, originAllowed } from "@/lib/net/public-url";

export function checkSameOrigin(req: Request): void {
  const host = req.headers.get("host");
  if (!hostAllowed(host)) throw new VaultError("FORBIDDEN", "This dashboard does not answer for that host name.");
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
  if (!originAllowed(origin, host)) throw new VaultError("FORBIDDEN", "Cross-site requests are not allowed.");
}
