// counts reconcile / purge: the repairs an operator may want to run by hand
// (servers purge expired entries on their own every 30 s).
import "server-only";
import { getDb } from "@/lib/db/client";
import { reconcileCounts } from "@/lib/vault/entries";
import { purgeAll } from "@/lib/vault/jobs";
import { EXIT, type Command } from "../command";
import { plural, table } from "../format";

export const countsReconcile: Command = {
  name: "counts reconcile",
  summary: "recompute every store's entry count and report (or --fix) drift",
  options: { fix: { type: "boolean", description: "write the recomputed counts" } },
  details: "Exit code: 0 when no store drifted or every drift was fixed, 3 when drift was found and not fixed.",
  async run(args) {
    const fix = args.flag("fix");
    const drift = await reconcileCounts(fix);
    const projects = await getDb().project.findMany({
      where: { id: { in: [...new Set(drift.map((d) => d.projectId))] } },
      select: { id: true, name: true },
    });
    const name = new Map(projects.map((p) => [p.id, p.name]));
    const rows = drift.map((d) => ({ ...d, projectName: name.get(d.projectId) ?? null }));
    const text =
      rows.length === 0
        ? "Every store's entry count matches its entries."
        : [
            table(
              ["project", "store", "recorded", "actual"],
              rows.map((d) => [d.projectName ?? d.projectId, d.storeId, d.recorded, d.actual]),
            ),
            fix ? `Fixed ${plural(rows.length, "store")}.` : `${plural(rows.length, "store")} drifted; run with --fix to correct them.`,
          ].join("\n");
    return { json: { drift: rows, fixed: fix && rows.length > 0 }, text, exitCode: rows.length > 0 && !fix ? EXIT.drift : EXIT.ok };
  },
};

export const purge: Command = {
  name: "purge",
  summary: "delete expired entries now",
  options: {},
  async run() {
    const purged = await purgeAll();
    return { json: { purged }, text: `Purged ${plural(purged, "expired entry", "expired entries")}.` };
  },
};
