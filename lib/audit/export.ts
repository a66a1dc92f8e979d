// Audit exports: JSON Lines (one event object per line) and CSV (RFC 4180,
// a header row, every field quoted when needed). Cells a spreadsheet would
// run as a formula (starting with = + - @ or a tab or carriage return) get
// a leading apostrophe, except ids, times and key hashes, which are never
// formulas (a key hash may start with "-" and must stay exact).
import type { AuditEventView } from "./types";

export type ExportFormat = "jsonl" | "csv";

export const EXPORT_COLUMNS = [
  "id",
  "at",
  "action",
  "result",
  "status",
  "actorType",
  "actorId",
  "projectId",
  "storeId",
  "keyHash",
  "operation",
  "target",
  "clientAddress",
  "requestId",
] as const satisfies readonly (keyof AuditEventView)[];

const EXACT = new Set<string>(["id", "at", "keyHash", "status"]);

export function csvCell(value: unknown, column: string): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (!EXACT.has(column) && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = EXPORT_COLUMNS.join(",") + "\r\n";

export function csvLine(e: AuditEventView): string {
  return EXPORT_COLUMNS.map((c) => csvCell(e[c], c)).join(",") + "\r\n";
}

export function jsonLine(e: AuditEventView): string {
  return JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, e[c]]))) + "\n";
}

/** A streamed file of every page the iterator yields. */
export function exportStream(pages: AsyncGenerator<AuditEventView[]>, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started && format === "csv") controller.enqueue(encoder.encode(CSV_HEADER));
      started = true;
      const next = await pages.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map(format === "csv" ? csvLine : jsonLine).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

export function exportHeaders(format: ExportFormat, name: string): Record<string, string> {
  return {
    "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    "Content-Disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, "_")}.${format}"`,
    "Cache-Control": "no-store",
  };
}
