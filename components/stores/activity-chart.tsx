// 30 days of store activity as stacked CSS bars (no chart library). A
// hidden table carries the same numbers for screen readers.
import type { ActivityDay } from "@/lib/dashboard/types";
import { formatNumber } from "@/lib/dashboard/format";

const SERIES = [
  { key: "reads", label: "Reads", color: "bg-indigo-500" },
  { key: "writes", label: "Writes", color: "bg-emerald-500" },
  { key: "deletes", label: "Deletes", color: "bg-amber-500" },
  { key: "misses", label: "Misses", color: "bg-slate-400" },
] as const;

const total = (d: ActivityDay) => d.reads + d.writes + d.deletes + d.misses;
const shortDay = (day: string) =>
  new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

export function ActivityChart({ days }: { days: ActivityDay[] }) {
  const max = Math.max(1, ...days.map(total));
  const sums = SERIES.map((s) => ({ ...s, sum: days.reduce((n, d) => n + d[s.key], 0) }));
  const first = days[0]?.day;
  const last = days.at(-1)?.day;

  return (
    <div>
      <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {sums.map((s) => (
          <div key={s.key} className="rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-inset ring-slate-200">
            <dt className="flex items-center gap-1.5 text-xs font-medium text-slate-500">
              <span className={`h-2 w-2 rounded-full ${s.color}`} aria-hidden="true" />
              {s.label}
            </dt>
            <dd className="mt-0.5 text-lg font-semibold tabular-nums text-slate-900" data-testid={`activity-${s.key}`}>
              {formatNumber(s.sum)}
            </dd>
          </div>
        ))}
      </dl>
      <div aria-hidden="true">
        <div className="flex h-40 items-end gap-[3px] border-b border-slate-200">
          {days.map((d) => {
            const t = total(d);
            return (
              <div
                key={d.day}
                className="group relative flex h-full min-w-0 flex-1 flex-col justify-end"
                title={`${shortDay(d.day)}: ${d.reads} reads, ${d.writes} writes, ${d.deletes} deletes, ${d.misses} misses`}
              >
                {t === 0 ? (
                  <div className="h-[2px] rounded-sm bg-slate-200" />
                ) : (
                  <div className="flex flex-col-reverse overflow-hidden rounded-t-sm" style={{ height: `${Math.max(4, (t / max) * 100)}%` }}>
                    {SERIES.map((s) =>
                      d[s.key] > 0 ? <div key={s.key} className={s.color} style={{ flexGrow: d[s.key], minHeight: 2 }} /> : null,
                    )}
                  </div>
                )}
              </div>
            );
          })}
        </div>
        <div className="mt-1.5 flex justify-between text-xs text-slate-500">
          <span>{first ? shortDay(first) : ""}</span>
          <span>{last ? `${shortDay(last)} (UTC)` : ""}</span>
        </div>
      </div>
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
