// The instance's public URL as configured (PUBLIC_URL, else NEXTAUTH_URL;
// lib/net/public-url.ts), for what the dashboard shows users to paste
// elsewhere: the SDK's baseUrl and install line. Null when unset or
// unusable (start-up has already said so); the page then uses the origin
// it was requested at. Only the origin: NEXTAUTH_URL may name a path.
import "server-only";
import { publicUrl } from "@/lib/net/public-url";

export function configuredPublicUrl(): string | null {
  try {
    return publicUrl()?.origin ?? null;
  } catch {
    return null;
  }
}
