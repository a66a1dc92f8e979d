"use client";
// Store activity per day: reads, writes, deletes and misses as stacked bars
// (Recharts), with a y-axis, a tooltip on hover, tap or drag, and a message
// when the range has no activity. A hidden table carries the same numbers
// for screen readers.
import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";
import { formatNumber } from "@/lib/dashboard/format";
import type { ActivityDay } from "@/lib/dashboard/types";

export const SERIES = [
  { key: "reads", label: "Reads", color: "rgb(var(--chart-reads))" },
  { key: "writes", label: "Writes", color: "rgb(var(--chart-writes))" },
  { key: "deletes", label: "Deletes", color: "rgb(var(--chart-deletes))" },
  { key: "misses", label: "Misses", color: "rgb(var(--chart-misses))" },
] as const;

const total = (d: ActivityDay) => d.reads + d.writes + d.deletes + d.misses;
const utcDate = (day: string) => new Date(`${day}T00:00:00Z`);
const shortDay = (day: string) => utcDate(day).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
const longDay = (day: string) =>
  utcDate(day).toLocaleDateString("en", { weekday: "short", month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

function DayTooltip({ active, payload, label }: TooltipContentProps<ValueType, NameType>) {
  if (!active || !payload?.length || typeof label !== "string") return null;
  const day = payload[0]!.payload as ActivityDay;
  return (
    <div className="min-w-[10rem] rounded-lg bg-surface px-3 py-2 text-sm shadow-lg ring-1 ring-line" data-testid="chart-tooltip">
      <p className="mb-1 font-medium text-fg">{longDay(label)} (UTC)</p>
      <ul className="space-y-0.5">
        {SERIES.map((s) => (
          <li key={s.key} className="flex items-center justify-between gap-4 text-fg-muted">
            <span className="flex items-center gap-1.5">
              <span className="h-2 w-2 rounded-full" style={{ background: s.color }} aria-hidden="true" />
              {s.label}
            </span>
            <span className="tabular-nums text-fg">{formatNumber(day[s.key])}</span>
          </li>
        ))}
      </ul>
      <p className="mt-1 flex justify-between border-t border-line pt-1 text-fg-muted">
        Total <span className="tabular-nums text-fg">{formatNumber(total(day))}</span>
      </p>
    </div>
  );
}

export function ActivityTotals({ days }: { days: ActivityDay[] }) {
  return (
    <div className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" role="list" aria-label={`Totals, last ${days.length} days`}>
      {SERIES.map((s) => (
        <div key={s.key} role="listitem" className="rounded-lg bg-surface-muted px-3 py-2 ring-1 ring-inset ring-line">
          <p className="flex items-center gap-1.5 text-xs font-medium text-fg-muted">
            <span className="h-2 w-2 rounded-full" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </p>
          <p className="mt-0.5 text-lg font-semibold tabular-nums text-fg" data-testid={`activity-${s.key}`}>
            {formatNumber(days.reduce((n, d) => n + d[s.key], 0))}
          </p>
        </div>
      ))}
    </div>
  );
}

export function ActivityChart({ days, empty }: { days: ActivityDay[]; empty: ReactNode }) {
  const hasActivity = days.some((d) => total(d) > 0);
  return (
    <div>
      <ActivityTotals days={days} />
      <figure className="relative" aria-label={`Activity per day, last ${days.length} days`}>
        <div className="h-60 w-full" data-testid="activity-chart">
          <BarChart
            data={days}
            responsive
            style={{ width: "100%", height: "100%" }}
            margin={{ top: 8, right: 4, bottom: 0, left: 0 }}
            barCategoryGap={days.length > 45 ? 1 : "20%"}
            accessibilityLayer
          >
            <CartesianGrid vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} tickLine={false} minTickGap={24} interval="preserveStartEnd" />
            <YAxis
              allowDecimals={false}
              tickFormatter={(v: number) => compact.format(v)}
              width={44}
              tickLine={false}
              axisLine={false}
              domain={[0, hasActivity ? "auto" : 4]}
            />
            <Tooltip
              content={(props) => <DayTooltip {...props} />}
              cursor={{ fill: "rgb(var(--line))", fillOpacity: 0.5 }}
              isAnimationActive={false}
              allowEscapeViewBox={{ x: false, y: true }}
            />
            {SERIES.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stackId="activity"
                fill={s.color}
                isAnimationActive={false}
                radius={i === SERIES.length - 1 ? [2, 2, 0, 0] : 0}
              />
            ))}
          </BarChart>
        </div>
        {hasActivity ? null : (
          <div className="pointer-events-none absolute inset-0 flex items-center justify-center pb-6" data-testid="activity-empty">
            <p className="max-w-xs rounded-lg bg-surface/90 px-4 py-3 text-center text-sm text-fg-muted ring-1 ring-line">{empty}</p>
          </div>
        )}
        <figcaption className="mt-1 text-right text-xs text-fg-subtle">Days in UTC. Tap or hover a day for its numbers.</figcaption>
      </figure>
      <table className="sr-only">
        <caption>Activity per day, last {days.length} days</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {SERIES.map((s) => (
              <th scope="col" key={s.key}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {days
            .filter((d) => total(d) > 0)
            .map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{d[s.key]}</td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}
