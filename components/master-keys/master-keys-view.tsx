"use client";
import { useState } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { formatDate, formatNumber } from "@/lib/dashboard/format";
import type { MasterKeyView, RewrapStatus, RotationPolicy } from "@/lib/dashboard/types";
import { useMasterKeys, useRewrapStatus, useRotateMasterKey } from "./hooks";

const stateTone = { primary: "green", active: "amber", retired: "slate" } as const;
const stateText = {
  primary: "wraps new entries",
  active: "still unwraps older entries",
  retired: "no entries left",
} as const;

function RotateDialog({ disabled }: { disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const rotate = useRotateMasterKey();
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) rotate.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button disabled={disabled}>Rotate now</Button>
      </DialogTrigger>
      <DialogContent
        title="Rotate the master key?"
        description="A new master key becomes primary at once. Existing entries are re-wrapped in the background; reads and writes keep working meanwhile."
      >
        <FormError message={rotate.error?.message} />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            loading={rotate.isPending}
            onClick={async () => {
              try {
                await rotate.mutateAsync();
                setOpen(false);
              } catch {
                // Shown above.
              }
            }}
          >
            Rotate master key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RewrapProgress({ status }: { status: RewrapStatus }) {
  const pct = status.total > 0 ? Math.min(100, Math.round((status.processed / status.total) * 100)) : status.state === "done" ? 100 : 0;
  const label =
    status.state === "running"
      ? `Re-wrapping entries under version ${status.targetVersion ?? "?"}`
      : status.state === "done"
        ? "Last rewrap finished"
        : status.state === "failed"
          ? "Last rewrap failed; it resumes on the next start or rotation"
          : "No rewrap running";
  return (
    <div className="p-5">
      <div className="mb-2 flex items-center justify-between gap-3 text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="tabular-nums text-slate-600">
          {formatNumber(status.processed)} / {formatNumber(status.total)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Rewrap progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ${status.state === "failed" ? "bg-red-500" : status.state === "running" ? "bg-indigo-600" : "bg-emerald-500"}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      {status.updatedAt ? <p className="mt-2 text-xs text-slate-500">Updated {new Date(status.updatedAt).toLocaleString()}</p> : null}
    </div>
  );
}

function Policy({ policy }: { policy: RotationPolicy }) {
  return (
    <dl className="grid gap-3 p-5 sm:grid-cols-2">
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Maximum age</dt>
        <dd className="mt-1 text-sm text-slate-900">{policy.maxAgeDays > 0 ? `${formatNumber(policy.maxAgeDays)} days` : "No limit"}</dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Maximum data keys wrapped</dt>
        <dd className="mt-1 text-sm text-slate-900">{policy.maxWraps > 0 ? formatNumber(policy.maxWraps) : "No limit"}</dd>
      </div>
      <p className="text-xs text-slate-500 sm:col-span-2">
        The primary key rotates automatically when either limit is reached. Set <code className="font-mono">VAULT_ROTATE_AFTER_DAYS</code> and{" "}
        <code className="font-mono">VAULT_ROTATE_AFTER_WRAPS</code> to change them (0 turns a limit off).
      </p>
    </dl>
  );
}

function KeysTable({ keys }: { keys: MasterKeyView[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Master key versions</caption>
        <thead className="text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-5 py-3 font-medium">Version</th>
            <th scope="col" className="px-5 py-3 font-medium">State</th>
            <th scope="col" className="px-5 py-3 text-right font-medium">Entries</th>
            <th scope="col" className="hidden px-5 py-3 text-right font-medium sm:table-cell">Wraps</th>
            <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Created</th>
            <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Retired</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {keys.map((k) => (
            <tr key={k.version}>
              <td className="px-5 py-3 font-mono font-medium text-slate-900">v{k.version}</td>
              <td className="px-5 py-3">
                <Badge tone={stateTone[k.state]}>{k.state}</Badge>
                <span className="ml-2 hidden text-xs text-slate-500 lg:inline">{stateText[k.state]}</span>
              </td>
              <td className="px-5 py-3 text-right tabular-nums">{formatNumber(k.entryCount)}</td>
              <td className="hidden px-5 py-3 text-right tabular-nums sm:table-cell">{formatNumber(k.wrapCount)}</td>
              <td className="hidden whitespace-nowrap px-5 py-3 text-slate-600 md:table-cell">{formatDate(k.createdAt)}</td>
              <td className="hidden whitespace-nowrap px-5 py-3 text-slate-600 md:table-cell">{formatDate(k.retiredAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MasterKeysView() {
  const overview = useMasterKeys();
  const rewrap = useRewrapStatus(overview.isSuccess);
  const status = rewrap.data ?? overview.data?.rewrap;
  const running = status?.state === "running";

  return (
    <>
      <PageHeader
        eyebrow="Instance admin"
        title="Master keys"
        description="Master keys wrap the per-entry data keys. Rotating makes a new primary and re-wraps existing entries under it."
        actions={<RotateDialog disabled={!overview.isSuccess || running} />}
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
            <CardHeader title="Rewrap" description={running ? "Running now. This page updates every second." : undefined} />
            {status ? <RewrapProgress status={status} /> : null}
          </Card>
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
            <Policy policy={overview.data.policy} />
          </Card>
        </div>
      )}
    </>
  );
}
