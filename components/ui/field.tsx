import { forwardRef, useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

const control =
  "block w-full min-w-0 rounded-lg border-0 bg-surface px-3 py-2 text-sm text-fg shadow-sm ring-1 ring-inset placeholder:text-fg-subtle focus:outline-none focus:ring-2 focus:ring-inset disabled:bg-surface-muted disabled:text-fg-subtle";

const ringFor = (error?: string) => (error ? "ring-red-400 focus:ring-red-500 dark:ring-red-700" : "ring-line-strong focus:ring-accent");

/** `limit` shows "n / limit" under the field; input longer than that is kept (never cut) and the form says so. */
type FieldProps = { label: ReactNode; hint?: ReactNode; error?: string; className?: string; limit?: number; length?: number };

/** Label, control, and a hint or an error in place under it (announced to screen readers). */
function FieldShell({
  id,
  label,
  hint,
  error,
  className,
  limit,
  length,
  children,
}: FieldProps & { id: string; children: ReactNode }) {
  const counter =
    limit !== undefined && length !== undefined ? (
      <span className={cn("shrink-0 tabular-nums", length > limit ? "font-medium text-red-600 dark:text-red-400" : "text-fg-subtle")} aria-hidden="true">
        {length} / {limit}
      </span>
    ) : null;
  return (
    <div className={cn("min-w-0 space-y-1.5", className)}>
      <label htmlFor={id} className="block break-words text-sm font-medium text-fg">
        {label}
      </label>
      {children}
      {error || hint || counter ? (
        <div className="flex items-start justify-between gap-3 text-sm">
          {error ? (
            <p id={`${id}-error`} className="min-w-0 break-words text-red-600 dark:text-red-400" role="alert">
              {error}
            </p>
          ) : hint ? (
            <p id={`${id}-hint`} className="min-w-0 text-fg-muted">
              {hint}
            </p>
          ) : (
            <span />
          )}
          {counter}
        </div>
      ) : null}
    </div>
  );
}

export const TextField = forwardRef<HTMLInputElement, FieldProps & InputHTMLAttributes<HTMLInputElement>>(function TextField(
  { label, hint, error, className, limit, id: givenId, ...props },
  ref,
) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const length = typeof props.value === "string" ? props.value.length : undefined;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className} limit={limit} length={length}>
      <input
        ref={ref}
        id={id}
        className={cn(control, ringFor(error))}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...props}
      />
    </FieldShell>
  );
});

export function TextAreaField({
  label,
  hint,
  error,
  className,
  limit,
  id: givenId,
  ...props
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const length = typeof props.value === "string" ? props.value.length : undefined;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className} limit={limit} length={length}>
      <textarea
        id={id}
        className={cn(control, ringFor(error), "min-h-[72px]")}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...props}
      />
    </FieldShell>
  );
}

export const selectClass =
  "h-10 min-w-0 rounded-lg border-0 bg-surface px-3 text-sm text-fg shadow-sm ring-1 ring-inset ring-line-strong focus:outline-none focus:ring-2 focus:ring-accent";

/** A form-level message (not tied to one field). */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" className="break-words rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-inset ring-red-200 dark:bg-red-950/60 dark:text-red-200 dark:ring-red-900">
      {message}
    </div>
  );
}
