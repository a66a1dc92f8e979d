"use client";
// The audit pages' filters and export links. Each change applies at once
// (the key hash on Enter or when leaving the field).
import { useState, type ReactNode } from "react";
import { buttonClass } from "@/components/ui/button";
import { Button } from "@/components/ui/button";
import { AUDIT_ACTIONS, AUDIT_RESULTS, type AuditAction } from "@/lib/audit/actions";
import type { AuditFilters } from "./api";

export const selectClass =
  "h-9 w-full rounded-lg border-0 bg-white px-2.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

function Labeled({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <div className="min-w-0 space-y-1">
      <label htmlFor={htmlFor} className="block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}

export type Option = { value: string; label: string };

export function AuditFilterBar({
  filters,
  onChange,
  actions,
  stores,
  actors,
  exportUrl,
}: {
  filters: AuditFilters;
  onChange: (f: AuditFilters) => void;
  actions: AuditAction[];
  stores?: Option[];
  actors: Option[];
  exportUrl: (format: "jsonl" | "csv") => string;
}) {
  const [keyHash, setKeyHash] = useState(filters.keyHash);
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  const groups = (["access", "admin", "security"] as const).map((g) => ({ g, list: actions.filter((a) => AUDIT_ACTIONS[a].group === g) })).filter((x) => x.list.length > 0);
  const active = Object.values(filters).some(Boolean);
  return (
    <div className="space-y-3 border-b border-slate-100 px-5 py-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {stores ? (
          <Labeled label="Store" htmlFor="audit-store">
            <select id="audit-store" className={selectClass} value={filters.store} onChange={(e) => set({ store: e.target.value })}>
              <option value="">All stores</option>
              {stores.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Labeled>
        ) : null}
        <Labeled label="Action" htmlFor="audit-action">
          <select id="audit-action" className={selectClass} value={filters.action} onChange={(e) => set({ action: e.target.value })}>
            <option value="">All actions</option>
            {groups.map(({ g, list }) => (
              <optgroup key={g} label={g === "access" ? "Entry access" : g === "admin" ? "Administration" : "Security"}>
                {list.map((a) => (
                  <option key={a} value={a}>
                    {AUDIT_ACTIONS[a].label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Labeled>
        <Labeled label="Actor" htmlFor="audit-actor">
          <select id="audit-actor" className={selectClass} value={filters.actor} onChange={(e) => set({ actor: e.target.value })}>
            <option value="">Anyone</option>
            {actors.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </Labeled>
        <Labeled label="Result" htmlFor="audit-result">
          <select id="audit-result" className={selectClass} value={filters.result} onChange={(e) => set({ result: e.target.value })}>
            <option value="">Any result</option>
            {AUDIT_RESULTS.map((r) => (
              <option key={r} value={r}>
                {r.replace("_", " ")}
              </option>
            ))}
          </select>
        </Labeled>
        <Labeled label="From" htmlFor="audit-since">
          <input id="audit-since" type="datetime-local" className={selectClass} value={filters.since} onChange={(e) => set({ since: e.target.value })} />
        </Labeled>
        <Labeled label="Until" htmlFor="audit-until">
          <input id="audit-until" type="datetime-local" className={selectClass} value={filters.until} onChange={(e) => set({ until: e.target.value })} />
        </Labeled>
        {stores ? (
          <div className="sm:col-span-2">
            <Labeled label="Key hash" htmlFor="audit-key-hash">
              <input
                id="audit-key-hash"
                className={`${selectClass} font-mono`}
                placeholder="as your app's SDK computes it"
                value={keyHash}
                onChange={(e) => setKeyHash(e.target.value)}
                onBlur={() => keyHash !== filters.keyHash && set({ keyHash })}
                onKeyDown={(e) => e.key === "Enter" && set({ keyHash })}
              />
            </Labeled>
          </div>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm text-slate-500">Export what matches:</span>
        <a className={buttonClass("secondary", "sm")} href={exportUrl("jsonl")} download>
          JSONL
        </a>
        <a className={buttonClass("secondary", "sm")} href={exportUrl("csv")} download>
          CSV
        </a>
        {active ? (
          <Button
            variant="ghost"
            size="sm"
            onClick={() => {
              setKeyHash("");
              onChange({ store: "", action: "", actor: "", result: "", keyHash: "", since: "", until: "" });
            }}
          >
            Clear filters
          </Button>
        ) : null}
      </div>
    </div>
  );
}

/** Newer / older through cursor pages. */
export function Pager({ page, hasOlder, onNewer, onOlder, busy }: { page: number; hasOlder: boolean; onNewer: () => void; onOlder: () => void; busy: boolean }) {
  return (
    <div className="flex items-center justify-between border-t border-slate-100 px-5 py-3">
      <span className="text-sm text-slate-500">Page {page + 1}</span>
      <div className="flex gap-2">
        <Button variant="secondary" size="sm" disabled={page === 0 || busy} onClick={onNewer}>
          ← Newer
        </Button>
        <Button variant="secondary" size="sm" disabled={!hasOlder || busy} onClick={onOlder}>
          Older →
        </Button>
      </div>
    </div>
  );
}
