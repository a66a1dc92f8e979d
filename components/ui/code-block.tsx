import { CopyButton } from "./copy-button";

/** Dark in both themes. The code scrolls sideways and can take keyboard focus to do so. */
export function CodeBlock({ code, label, copyLabel = "Copy" }: { code: string; label?: string; copyLabel?: string }) {
  return (
    <figure className="min-w-0 overflow-hidden rounded-xl bg-slate-900 ring-1 ring-slate-800 dark:bg-black/40">
      <div className="flex items-center justify-between gap-2 border-b border-white/10 px-4 py-2">
        <figcaption className="min-w-0 truncate text-xs font-medium text-slate-300">{label ?? "TypeScript"}</figcaption>
        <CopyButton text={code} label={copyLabel} className="!bg-white/10 !text-slate-100 !ring-white/20 hover:!bg-white/20" />
      </div>
      <pre
        tabIndex={0}
        aria-label={label ? `Code: ${label}` : "Code"}
        className="overflow-x-auto p-4 text-[13px] leading-relaxed text-slate-100 focus-visible:outline focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-400"
      >
        <code className="font-mono">{code}</code>
      </pre>
    </figure>
  );
}
