"use client";
import { useEffect, useState } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Spinner } from "@/components/ui/spinner";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { formatDate, formatNumber, formatRelative, plural } from "@/lib/dashboard/format";
import type { MasterKeyView, NextRotation, QuarantineView, RewrapStatus, RotationPolicy } from "./api";
import { age, exactTime, rate, span, when } from "./format";
import { isActive, useMasterKeys, useRetireMasterKey, useRewrapStatus, useRotateMasterKey } from "./hooks";

const stateTone = { primary: "green", active: "amber", retired: "slate" } as const;
const stateText = {
  primary: "wraps new entries",
  active: "still unwraps older entries",
  retired: "no longer used",
} as const;

/** A date in the dashboard's one format, with the exact time on hover. */
function DateText({ iso, relative = false }: { iso: string | null; relative?: boolean }) {
  if (!iso) return <>—</>;
  return (
    <time dateTime={iso} title={exactTime(iso)}>
      {relative ? formatRelative(iso) : formatDate(iso)}
    </time>
  );
}

/** The header's action: what the rewrap is doing, or the rotate dialog. */
function RotateAction({ status, starting, onRotated }: { status: RewrapStatus | undefined; starting: boolean; onRotated: (version: number) => void }) {
  if (starting || status?.state === "running") {
    const pct = status && status.state === "running" && status.total > 0 ? Math.floor((100 * status.processed) / status.total) : null;
    return (
      <Button disabled aria-live="polite">
        <Spinner className="h-4 w-4" />
        {starting ? "Starting rewrap…" : pct === null ? "Rewrapping…" : `Rewrapping… ${pct}%`}
      </Button>
    );
  }
  if (status?.state === "retiring") {
    return (
      <Button disabled aria-live="polite">
        <Spinner className="h-4 w-4" />
        Retiring old versions…
      </Button>
    );
  }
  return <RotateDialog onRotated={onRotated} />;
}

function RotateDialog({ onRotated }: { onRotated: (version: number) => void }) {
  const rotate = useRotateMasterKey();
  return (
    <ConfirmDialog
      trigger={<Button>Rotate now</Button>}
      title="Rotate the master key?"
      description="A new master key becomes primary at once. Existing entries are re-wrapped in the background, with progress on this page; reads and writes keep working meanwhile."
      confirmLabel="Rotate master key"
      tone="primary"
      action={rotate}
      onConfirm={async () => onRotated((await rotate.mutateAsync()).version)}
    />
  );
}

function ProgressBar({ value, label, tone }: { value: number; label: string; tone: "indigo" | "emerald" }) {
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} className="h-2.5 overflow-hidden rounded-full bg-slate-100">
      <div className={`h-full rounded-full transition-[width] duration-500 ${tone === "indigo" ? "bg-indigo-600" : "bg-emerald-500"}`} style={{ width: `${value}%` }} />
    </div>
  );
}

function Notice({ tone, title, children }: { tone: "red" | "amber"; title: string; children: React.ReactNode }) {
  const colors = tone === "red" ? "bg-red-50 text-red-800 ring-red-200" : "bg-amber-50 text-amber-900 ring-amber-200";
  return (
    <div role={tone === "red" ? "alert" : "status"} className={`rounded-lg p-4 text-sm ring-1 ring-inset ${colors}`}>
      <p className="font-medium">{title}</p>
      <p className="mt-1 break-words">{children}</p>
    </div>
  );
}

/** What the rewrap is doing, in words: never an idle "0 / 0" bar. */
function RewrapPanel({ status, starting }: { status: RewrapStatus; starting: boolean }) {
  const target = status.targetVersion === null ? null : `v${status.targetVersion}`;
  if (starting) {
    return <p className="p-5 text-sm text-slate-700">Starting the rewrap…</p>;
  }
  if (status.state === "idle") {
    return (
      <p className="p-5 text-sm text-slate-600">
        No rewrap has run yet. Rotating the master key starts one: it re-wraps every entry&apos;s data key under the new key in the background.
      </p>
    );
  }
  if (status.state === "running") {
    const counting = status.total === 0 && status.processed === 0;
    const pct = status.total > 0 ? Math.min(100, Math.floor((100 * status.processed) / status.total)) : 0;
    const speed = rate(status.ratePerSecond);
    const left = status.etaSeconds !== null ? `about ${span(status.etaSeconds * 1000)} left` : null;
    return (
      <div className="space-y-2 p-5">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <span className="font-medium text-slate-800">Re-wrapping entries under {target}</span>
          <span className="tabular-nums text-slate-600">{counting ? "counting entries…" : `${formatNumber(status.processed)} of ${formatNumber(status.total)} entries`}</span>
        </div>
        <ProgressBar value={pct} label="Rewrap progress" tone="indigo" />
        <p className="text-xs text-slate-500">
          {[speed, left].filter(Boolean).join(" · ") || "Measuring the rate…"} · Reads and writes keep working meanwhile.
        </p>
      </div>
    );
  }
  if (status.state === "retiring") {
    return (
      <div className="space-y-2 p-5">
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <span className="font-medium text-slate-800">Every entry is under {target}</span>
          <span className="tabular-nums text-slate-600">{formatNumber(status.moved)} moved</span>
        </div>
        <ProgressBar value={100} label="Rewrap progress" tone="emerald" />
        <p className="text-xs text-slate-500">Old versions retire in a few seconds, once every server writes with {target}.</p>
      </div>
    );
  }
  if (status.state === "failed" || status.state === "stalled") {
    return (
      <div className="space-y-3 p-5">
        <Notice tone={status.state === "failed" ? "red" : "amber"} title={status.state === "failed" ? `The rewrap to ${target} failed` : `The rewrap to ${target} is stalled`}>
          {status.reason ?? "No reason was recorded."}
        </Notice>
        <p className="text-sm text-slate-600">
          {formatNumber(status.processed)} of {formatNumber(status.total)} entries handled so far; it resumes from there. Last progress <DateText iso={status.updatedAt} relative />.
        </p>
      </div>
    );
  }
  // done
  return (
    <div className="p-5 text-sm text-slate-700">
      <p>
        Last rewrap finished <DateText iso={status.finishedAt} relative />: {plural(status.moved, "entry", "entries")} moved to {target}
        {status.quarantined > 0 ? `, ${plural(status.quarantined, "entry", "entries")} quarantined` : ""}.
      </p>
    </div>
  );
}

function QuarantineCard({ rows, status }: { rows: QuarantineView[]; status: RewrapStatus }) {
  if (status.quarantine.total === 0) return null;
  const first = rows[0];
  const commands = [
    "npm run admin -- quarantine list",
    ...(first
      ? [
          `npm run admin -- quarantine show --store-ref ${first.storeRef} --key-hash ${first.keyHash}`,
          `npm run admin -- quarantine delete --store-ref ${first.storeRef} --key-hash ${first.keyHash} --yes`,
        ]
      : []),
  ].join("\n");
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            Quarantined entries <Badge tone="red">{formatNumber(status.quarantine.total)}</Badge>
          </span>
        }
        description="The rewrap could not open these entries: their data key failed its integrity check (a damaged or altered row). They cannot be read, and the app gets an error for them; the rewrap moves every other entry without them."
      />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Quarantined entries</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-3 font-medium">Store</th>
              <th scope="col" className="whitespace-nowrap px-5 py-3 font-medium">Key hash</th>
              <th scope="col" className="whitespace-nowrap px-5 py-3 font-medium">Master key</th>
              <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Found</th>
              <th scope="col" className="hidden px-5 py-3 font-medium lg:table-cell">Why</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((q) => (
              <tr key={`${q.storeRef}/${q.keyHash}`}>
                <td className="max-w-[12rem] px-5 py-3">
                  <div className="truncate font-medium text-slate-900" title={q.storeId}>{q.storeId}</div>
                  <div className="truncate text-xs text-slate-500" title={q.projectName}>{q.projectName}</div>
                </td>
                <td className="max-w-[10rem] px-5 py-3">
                  <code className="block truncate font-mono text-xs text-slate-700" title={q.keyHash}>{q.keyHash}</code>
                </td>
                <td className="whitespace-nowrap px-5 py-3 font-mono text-slate-700">
                  v{q.masterKeyVersion}
                  {q.confirmedAt ? <span className="ml-2 font-sans text-xs text-slate-500">accepted</span> : null}
                </td>
                <td className="hidden whitespace-nowrap px-5 py-3 text-slate-600 md:table-cell"><DateText iso={q.foundAt} /></td>
                <td className="hidden px-5 py-3 text-slate-600 lg:table-cell">{q.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {status.quarantine.total > rows.length ? (
        <p className="px-5 pt-2 text-xs text-slate-500">Showing {rows.length} of {formatNumber(status.quarantine.total)}; the CLI lists them all.</p>
      ) : null}
      <div className="space-y-4 p-5">
        {status.awaitingConfirmation.map((v) => (
          <RetirePrompt key={v} version={v} count={status.quarantine.byVersion.find((b) => b.version === v)?.count ?? 0} />
        ))}
        <CodeBlock label="Inspect or erase them (admin CLI)" code={commands} />
      </div>
    </Card>
  );
}

function RetirePrompt({ version, count }: { version: number; count: number }) {
  const retire = useRetireMasterKey();
  return (
    <div className="flex flex-col gap-3 rounded-lg bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 sm:flex-row sm:items-center sm:justify-between">
      <p>
        <span className="font-mono">v{version}</span> stays active because only quarantined entries ({formatNumber(count)}) still reference it.
      </p>
      <ConfirmDialog
        trigger={
          <Button variant="secondary" size="sm">
            Retire v{version}
          </Button>
        }
        title={`Retire v${version}?`}
        description={`${plural(count, "quarantined entry", "quarantined entries")} will stay unreadable, as ${count === 1 ? "it already is" : "they already are"}. v${version} then stops being used and can be purged from the database with the CLI (npm run admin -- master-key purge --yes).`}
        confirmLabel={`Retire v${version}`}
        action={retire}
        onConfirm={() => retire.mutateAsync(version)}
      />
    </div>
  );
}

function Policy({ policy, next, keys }: { policy: RotationPolicy; next: NextRotation; keys: MasterKeyView[] }) {
  const primary = keys.find((k) => k.state === "primary");
  let nextText: string;
  if (!next.byAgeAt && next.wrapsLeft === null) nextText = "Never: both limits are off";
  else if (next.byAgeAt && next.wrapsLeft !== null) nextText = `${when(next.byAgeAt)}, or sooner after ${formatNumber(next.wrapsLeft)} more wraps`;
  else if (next.byAgeAt) nextText = when(next.byAgeAt);
  else nextText = `After ${formatNumber(next.wrapsLeft!)} more wraps`;
  return (
    <div className="p-5">
      <dl className="grid gap-4 sm:grid-cols-3">
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Next automatic rotation</dt>
          <dd className="mt-1 text-sm text-slate-900">{nextText}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Maximum age</dt>
          <dd className="mt-1 text-sm text-slate-900">
            {policy.maxAgeDays > 0 ? `${formatNumber(policy.maxAgeDays)} days` : "No limit"}
            {primary ? <span className="text-slate-500"> (v{primary.version}: {age(primary.createdAt)})</span> : null}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Maximum data keys wrapped</dt>
          <dd className="mt-1 text-sm text-slate-900">
            {policy.maxWraps > 0 ? formatNumber(policy.maxWraps) : "No limit"}
            {primary ? <span className="text-slate-500"> ({formatNumber(primary.wrapCount)} so far)</span> : null}
          </dd>
        </div>
      </dl>
      <p className="mt-4 text-xs text-slate-500">
        The primary key rotates automatically when either limit is reached (servers check each minute). Set <code className="font-mono">VAULT_ROTATE_AFTER_DAYS</code> and{" "}
        <code className="font-mono">VAULT_ROTATE_AFTER_WRAPS</code> to change them (0 turns a limit off).
      </p>
    </div>
  );
}

function KeysTable({ keys }: { keys: MasterKeyView[] }) {
  const [showRetired, setShowRetired] = useState(false);
  const retired = keys.filter((k) => k.state === "retired").length;
  const shown = showRetired ? keys : keys.filter((k) => k.state !== "retired");
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Master key versions</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-3 font-medium">Version</th>
              <th scope="col" className="px-5 py-3 font-medium">State</th>
              <th scope="col" className="px-5 py-3 text-right font-medium">Entries</th>
              <th scope="col" className="hidden px-5 py-3 text-right font-medium sm:table-cell">Wraps</th>
              <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Age</th>
              <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Retired</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.map((k) => (
              <tr key={k.version}>
                <td className="px-5 py-3">
                  <span className="font-mono font-medium text-slate-900">v{k.version}</span>
                  <span className="block text-xs text-slate-500 md:hidden">{age(k.createdAt)}</span>
                </td>
                <td className="px-5 py-3">
                  <Badge tone={stateTone[k.state]}>{k.state}</Badge>
                  <span className="ml-2 hidden text-xs text-slate-500 lg:inline">{stateText[k.state]}</span>
                </td>
                <td className="px-5 py-3 text-right tabular-nums">{formatNumber(k.entryCount)}</td>
                <td className="hidden px-5 py-3 text-right tabular-nums sm:table-cell">{formatNumber(k.wrapCount)}</td>
                <td className="hidden whitespace-nowrap px-5 py-3 text-slate-600 md:table-cell">
                  <span title={`Created ${exactTime(k.createdAt) ?? ""}`}>{age(k.createdAt)}</span>
                  <span className="text-fg-muted"> · {formatDate(k.createdAt)}</span>
                </td>
                <td className="hidden whitespace-nowrap px-5 py-3 text-slate-600 md:table-cell"><DateText iso={k.retiredAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {retired > 0 ? (
        <div className="border-t border-slate-100 px-5 py-3">
          <Button variant="ghost" size="sm" aria-expanded={showRetired} onClick={() => setShowRetired((s) => !s)}>
            {showRetired ? "Hide retired versions" : `Show retired versions (${formatNumber(retired)})`}
          </Button>
        </div>
      ) : null}
    </>
  );
}

export function MasterKeysView() {
  const overview = useMasterKeys();
  // The version a rotation just made, until the status shows its rewrap.
  const [expecting, setExpecting] = useState<number | null>(null);
  const rewrap = useRewrapStatus(overview.isSuccess, expecting);
  const status = rewrap.data ?? overview.data?.rewrap;
  const starting = expecting !== null && status?.targetVersion !== expecting;

  useEffect(() => {
    if (expecting === null) return;
    // A rotation with nothing to re-wrap may start no job at all: stop waiting after a while.
    const timer = setTimeout(() => setExpecting(null), 10_000);
    return () => clearTimeout(timer);
  }, [expecting]);

  return (
    <>
      <PageHeader
        eyebrow="Instance admin"
        title="Master keys"
        description="Master keys wrap the per-entry data keys. Rotating makes a new primary and re-wraps existing entries under it."
        actions={overview.isSuccess ? <RotateAction status={status} starting={starting} onRotated={setExpecting} /> : null}
      />
      {overview.isPending ? (
        <Card>
          <LoadingState label="Loading master keys" />
        </Card>
      ) : overview.isError ? (
        <Card>
          <ErrorState title="Could not load the master keys" error={overview.error} onRetry={() => overview.refetch()} />
        </Card>
      ) : (
        <div className="space-y-6">
          <Card>
            <CardHeader title="Rewrap" description={isActive(status) || starting ? "Running now; this page follows it every second." : undefined} />
            {status ? <RewrapPanel status={status} starting={starting} /> : null}
          </Card>
          {status ? <QuarantineCard rows={overview.data.quarantine} status={status} /> : null}
          <Card>
            <CardHeader title="Versions" />
            {overview.data.keys.length === 0 ? (
              <p className="p-5 text-sm text-slate-600">No master key yet: one is created on the first write.</p>
            ) : (
              <KeysTable keys={overview.data.keys} />
            )}
          </Card>
          <Card>
            <CardHeader title="Rotation policy" />
            <Policy policy={overview.data.policy} next={overview.data.nextRotation} keys={overview.data.keys} />
          </Card>
        </div>
      )}
    </>
  );
}
