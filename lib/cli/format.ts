// Human output: aligned tables and short dates. Plain text, no colours, so
// it reads the same in a terminal, a log file and a pipe.

/** An aligned table with an upper-case header; "(none)" when empty. */
export function table(head: string[], rows: (string | number)[][]): string {
  if (rows.length === 0) return "(none)";
  const cells = [head.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** "2025-06-01 14:03" in UTC, or "-" for none. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")}` : "-";
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
