// What a CLI command is: its name, its options (with the help text shown
// by --help) and a run function that returns both output forms. Commands
// never write to stdout themselves; main.ts prints either the JSON document
// or the human text, so --json output is always exactly one document.
import { ZodError } from "zod";

export type OptionSpec = {
  type: "string" | "boolean";
  /** Placeholder shown in help, e.g. "EMAIL". */
  arg?: string;
  description: string;
  required?: boolean;
};

export type Context = {
  json: boolean;
  verbose: boolean;
  /** Notices and progress; never part of the --json document. */
  stderr: NodeJS.WriteStream;
};

export type Result = {
  json: unknown;
  text: string;
  /** 0 unless the command reports a finding, e.g. count drift (3). */
  exitCode?: number;
};

export type Command = {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Extra help paragraphs (behaviour, exit codes, recovery). */
  details?: string;
  /** False for commands that must run before the keyring is readable (root-key rotate). */
  needsKeyring?: boolean;
  run(args: Args, ctx: Context): Promise<Result>;
};

export const EXIT = { ok: 0, failure: 1, usage: 2, drift: 3 } as const;

/** An error the CLI reports as one line (and as {"error":{code,message}} with --json). */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super("USAGE", message, EXIT.usage);
  }
}

/** Parsed option values with typed accessors. */
export class Args {
  constructor(private readonly values: Record<string, string | boolean | undefined>) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === "string" ? v : undefined;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v.trim() === "") throw new UsageError(`missing --${name}`);
    return v;
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name}: a whole number from ${min} to ${max}`);
    return n;
  }
}

/** A zod check on one option; the first issue becomes the message. */
export function checkOption<T>(option: string, schema: { parse(v: unknown): T }, value: unknown): T {
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) {
      throw new CliError("INVALID_REQUEST", `--${option}: ${error.issues[0]?.message ?? "invalid"}`);
    }
    throw error;
  }
}
