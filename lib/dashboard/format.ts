// Dates and numbers as the dashboard shows them. Client-safe.
//
// Dates take an optional time zone: while a page hydrates, server and
// browser must print the same text, so both use UTC; afterwards the
// browser's own zone (undefined) is used (components/ui/time.tsx).
const numberFormat = new Intl.NumberFormat("en");
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const exactFormats = new Map<string, Intl.DateTimeFormat>();

function cached(map: Map<string, Intl.DateTimeFormat>, timeZone: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = timeZone ?? "";
  let f = map.get(key);
  if (!f) map.set(key, (f = new Intl.DateTimeFormat("en", { ...options, timeZone })));
  return f;
}

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "Jan 10, 2026". */
export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d ? cached(dateFormats, timeZone, { year: "numeric", month: "short", day: "numeric" }).format(d) : "—";
}

/** The exact moment, for a tooltip: "Jan 10, 2026, 12:00:05 PM UTC". */
export function formatExact(iso: string | null | undefined, timeZone?: string): string {
  const d = parse(iso);
  return d
    ? cached(exactFormats, timeZone, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" }).format(d)
    : "";
}

export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then a date. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now(), timeZone?: string): string {
  if (!iso) return "Never";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "—";
  const seconds = Math.round((now - t) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return days === 1 ? "yesterday" : `${days} days ago`;
  return formatDate(iso, timeZone);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
