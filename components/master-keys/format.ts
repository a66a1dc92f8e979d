// How the master-key page words times and rates. Dates use the dashboard's
// one format (formatDate: "Dec 1, 2025"); the exact time is in a tooltip.
import { formatDate, formatNumber } from "@/lib/dashboard/format";

const exact = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

/** For a title attribute: the exact local time. */
export function exactTime(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : exact.format(d);
}

/** "3 s", "4 min", "2 h", "12 days": a span in its largest sensible unit. */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  const d = Math.round(h / 24);
  return `${formatNumber(d)} ${d === 1 ? "day" : "days"}`;
}

/** A key's age: "12 days old", "just created". */
export function age(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  return ms < 60_000 ? "just created" : `${span(ms)} old`;
}

/** "Mar 1, 2026 (in 89 days)", "Mar 1, 2026 (due now)". */
export function when(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  return `${formatDate(iso)} (${ms <= 0 ? "due now" : `in ${span(ms)}`})`;
}

export function rate(perSecond: number | null): string | null {
  if (!perSecond || !Number.isFinite(perSecond)) return null;
  return `${formatNumber(Math.round(perSecond))} entries/s`;
}
