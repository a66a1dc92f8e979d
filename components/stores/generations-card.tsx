"use client";
// Live entries per secret generation: how far a rotation of the app's
// secret has got. Ids are the SDK's short, non-secret ids of each secret.
import { Card, CardHeader } from "@/components/ui/card";
import { formatNumber } from "@/lib/dashboard/format";
import type { GenerationCount } from "@/lib/dashboard/types";

export function GenerationsCard({ generations }: { generations: GenerationCount[] }) {
  return (
    <Card>
      <CardHeader
        title="Secret generations"
        description="Live entries per app secret that wrote them. A rotation is finished when the old secret's id is gone from this list."
      />
      {generations.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No entries yet.</p>
      ) : (
        <table className="w-full text-sm" data-testid="store-generations">
          <thead>
            <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
              <th className="px-5 py-2 font-medium">Generation</th>
              <th className="px-5 py-2 text-right font-medium">Entries</th>
            </tr>
          </thead>
          <tbody>
            {generations.map((g) => (
              <tr key={g.id ?? "unknown"} className="border-t border-slate-100">
                <td className="px-5 py-2">
                  {g.id === null ? (
                    <span className="text-slate-500">unknown (written by an SDK before format v2)</span>
                  ) : (
                    <code className="font-mono text-slate-800">{g.id}</code>
                  )}
                </td>
                <td className="px-5 py-2 text-right tabular-nums text-slate-900">{formatNumber(g.entryCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
