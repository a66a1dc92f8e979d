"use client";
import { useEffect, useState } from "react";

/**
 * The one-time token from the URL's fragment (#dvi_… or #dvs_…), read once
 * and then removed from the address bar and history. undefined while
 * reading, null when there is none.
 */
export function useLinkToken(prefix: string): string | null | undefined {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const hash = window.location.hash.slice(1);
    const value = hash.startsWith(prefix) ? hash : null;
    if (value) {
      // Kept for a sign-in round trip (an existing account accepting), not in the URL.
      sessionStorage.setItem(`link:${prefix}`, value);
      window.history.replaceState(null, "", window.location.pathname);
    }
    // Reading browser-only state after mount is what this hook is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setToken(value ?? sessionStorage.getItem(`link:${prefix}`));
  }, [prefix]);
  return token;
}

export function forgetLinkToken(prefix: string): void {
  sessionStorage.removeItem(`link:${prefix}`);
}
