"use client";
// Dates and relative times, with the exact moment on hover (title) and as a
// machine-readable <time>. See render-context.tsx for why hydration prints
// in UTC against the server's clock.
import { useSyncExternalStore } from "react";
import { formatDate, formatExact, formatRelative } from "@/lib/dashboard/format";
import { useRenderInfo } from "./render-context";

const TICK_MS = 30_000;
let lastNow = 0;
/** The browser's clock in 30-second steps, so repeated reads agree. */
function clientNow(): number {
  const n = Date.now();
  if (n - lastNow >= TICK_MS) lastNow = n;
  return lastNow;
}
function subscribeClock(onChange: () => void) {
  const t = setInterval(onChange, TICK_MS);
  return () => clearInterval(t);
}

export function useTimeFormat() {
  const { now: serverNow } = useRenderInfo();
  const client = useSyncExternalStore(subscribeClock, clientNow, () => null);
  const timeZone = client === null ? "UTC" : undefined;
  const now = client ?? serverNow;
  return {
    date: (iso: string | null | undefined) => formatDate(iso, timeZone),
    exact: (iso: string | null | undefined) => formatExact(iso, timeZone),
    relative: (iso: string | null | undefined) => formatRelative(iso, now, timeZone),
  };
}

/** "5 min ago" (or `never`), the exact time on hover. */
export function RelativeTime({ iso, never = "Never", className }: { iso: string | null | undefined; never?: string; className?: string }) {
  const f = useTimeFormat();
  if (!iso) return <span className={className}>{never}</span>;
  return (
    <time dateTime={iso} title={f.exact(iso)} className={className}>
      {f.relative(iso)}
    </time>
  );
}

/** "Jan 10, 2026", the exact time on hover. */
export function DateText({ iso, className }: { iso: string | null | undefined; className?: string }) {
  const f = useTimeFormat();
  if (!iso) return <span className={className}>—</span>;
  return (
    <time dateTime={iso} title={f.exact(iso)} className={className}>
      {f.date(iso)}
    </time>
  );
}
