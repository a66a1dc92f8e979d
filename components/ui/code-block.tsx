import { CopyButton } from "./copy-button";

export function CodeBlock({ code, label, copyLabel = "Copy" }: { code: string; label?: string; copyLabel?: string }) {
  return (
    <figure className="overflow-hidden rounded-xl bg-slate-900 ring-1 ring-slate-800">
      <div className="flex items-center justify-between gap-2 border-b border-white/10 px-4 py-2">
        <figcaption className="truncate text-xs font-medium text-slate-400">{label ?? "TypeScript"}</figcaption>
        <CopyButton text={code} label={copyLabel} className="!bg-white/10 !text-slate-100 !ring-white/20 hover:!bg-white/20" />
      </div>
      <pre className="overflow-x-auto p-4 text-[13px] leading-relaxed text-slate-100">
        <code className="font-mono">{code}</code>
      </pre>
    </figure>
  );
}
