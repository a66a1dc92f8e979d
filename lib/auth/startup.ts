// Start-up checks and notices for dashboard accounts: TRUSTED_PROXIES and
// PUBLIC_URL/NEXTAUTH_URL must parse (a bad value stops the start with one
// line naming the variable), a production server without a public URL says
// what that means, and with no admin yet the one-time setup link is printed.
import "server-only";
import { log } from "@/lib/log";
import { parseTrustedProxies } from "@/lib/net/client-address";
import { publicUrl } from "@/lib/net/public-url";
import { announceSetupLink } from "./setup";

export function checkAccountsConfig(env: Record<string, string | undefined> = process.env): void {
  parseTrustedProxies(env.TRUSTED_PROXIES);
  const url = publicUrl(env);
  if (!url && env.NODE_ENV === "production") {
    log.warn("PUBLIC_URL is not set: the dashboard answers only on localhost and IP addresses, and its cookies are not Secure", {});
  } else if (url && url.protocol !== "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
    log.warn("the public URL is not https: put the dashboard behind TLS", { host: url.host });
  }
}

export async function accountsStartup(): Promise<void> {
  checkAccountsConfig();
  await announceSetupLink();
}
