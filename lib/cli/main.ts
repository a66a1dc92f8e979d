// The admin CLI: finds the command, parses its options (node:util
// parseArgs, strict), prepares the database and keyring like a server
// does, runs the command and prints its result, as text or as one JSON
// document. Errors become one line on stderr, or {"error":{code,message}}
// on stdout with --json, and a non-zero exit code.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { closeDb } from "@/lib/db/client";
import { ConfigError } from "@/lib/db/database-url";
import { exitWithConfigError, prepareDatabase } from "@/lib/startup";
import { IntegrityError, VaultError } from "@/lib/vault/errors";
import { flushCounters } from "@/lib/vault/jobs";
import { ensureKeyring } from "@/lib/vault/keyring";
import { Args, CliError, EXIT, UsageError, type Command, type OptionSpec } from "./command";
import { COMMANDS } from "./commands";

const PROGRAM = "npm run admin --";

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: "boolean", description: "print one JSON document on stdout; errors as {\"error\":{\"code\",\"message\"}}" },
  verbose: { type: "boolean", description: "show the server's log lines and error stacks on stderr" },
  help: { type: "boolean", description: "show this help" },
};

function optionLabel(name: string, spec: OptionSpec): string {
  return spec.type === "string" ? `--${name} ${spec.arg ?? "VALUE"}` : `--${name}`;
}

function columns(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join("\n");
}

export function generalHelp(): string {
  return [
    "Data Vault admin CLI",
    "",
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    columns(COMMANDS.map((c) => [c.name, c.summary])),
    "",
    "Options of every command:",
    columns(Object.entries(GLOBAL_OPTIONS).map(([n, s]) => [optionLabel(n, s), s.description])),
    "",
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
    "A project (--project P) is named by its id, or by its name when no other project has that name.",
    "The CLI reads DATABASE_URL, DATA_DIR and VAULT_ROOT_KEY like the server and applies pending migrations first.",
    "Nothing secret is printed, except a new server key's token, once.",
    "Exit codes: 0 done, 1 failed, 2 usage error, 3 drift found (counts reconcile without --fix).",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const synopsis = Object.entries(command.options)
    .map(([n, s]) => (s.required ? optionLabel(n, s) : `[${optionLabel(n, s)}]`))
    .join(" ");
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  return [
    `Usage: ${PROGRAM} ${command.name}${synopsis ? ` ${synopsis}` : ""} [--json]`,
    "",
    `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`,
    "",
    "Options:",
    columns(Object.entries(options).map(([n, s]) => [optionLabel(n, s), s.description])),
    ...(command.details ? ["", command.details] : []),
  ].join("\n");
}

/** The command named by the leading words of argv, and the rest. */
function findCommand(argv: string[]): { command: Command | null; group: string | null; rest: string[] } {
  const words: string[] = [];
  for (const token of argv) {
    if (token.startsWith("-")) break;
    words.push(token);
  }
  if (words[0] === "help") words.shift();
  if (words.length === 0) return { command: null, group: null, rest: [] };
  const two = words.slice(0, 2).join(" ");
  const byTwo = COMMANDS.find((c) => c.name === two);
  const byOne = COMMANDS.find((c) => c.name === words[0]);
  const command = byTwo ?? byOne;
  if (command) {
    const used = command.name.split(" ").length;
    const start = argv.indexOf(words[0]!) + used;
    return { command, group: null, rest: argv.slice(start) };
  }
  const group = words[0]!;
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  if (members.length === 0) throw new UsageError(`unknown command "${group}" (see ${PROGRAM} --help)`);
  if (words.length === 1) return { command: null, group, rest: [] };
  const actions = members.map((c) => c.name.slice(group.length + 1)).join(", ");
  throw new UsageError(`unknown command "${two}"; ${group} commands: ${actions}`);
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return [`Usage: ${PROGRAM} ${group} <${members.map((c) => c.name.slice(group.length + 1)).join("|")}> [options]`, "", columns(members.map((c) => [c.name, c.summary]))].join("\n");
}

function parseOptions(command: Command, rest: string[]): Record<string, string | boolean | undefined> {
  const options: ParseArgsConfig["options"] = {};
  for (const [name, spec] of Object.entries({ ...command.options, ...GLOBAL_OPTIONS })) options[name] = { type: spec.type };
  options.help!.short = "h";
  try {
    return parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw error;
    // Node appends advice about positionals that does not apply here.
    const message = (error as Error).message.split(". ")[0]!.replace(/\.$/, "");
    throw new UsageError(`${message} (see ${PROGRAM} ${command.name} --help)`);
  }
}

type Output = { stdout: string; stderr: string; code: number };

function errorOutput(error: unknown, json: boolean, verbose: boolean, command: Command | null): Output {
  let code = "INTERNAL";
  let exitCode: number = EXIT.failure;
  let message = (error as Error)?.message ?? String(error);
  if (error instanceof CliError) {
    code = error.code;
    exitCode = error.exitCode;
  } else if (error instanceof VaultError) {
    code = error.code;
  } else if (error instanceof ConfigError) {
    code = "CONFIG";
  } else if (error instanceof IntegrityError) {
    code = "INTEGRITY";
  } else {
    // Driver errors span many lines; the first says what happened.
    message = message.trim().split("\n")[0] ?? message;
  }
  const hint = error instanceof UsageError && command && !message.includes("--help") ? ` (see ${PROGRAM} ${command.name} --help)` : "";
  const stack = verbose && !(error instanceof CliError) ? `${(error as Error)?.stack ?? ""}\n` : "";
  return json
    ? { stdout: `${JSON.stringify({ error: { code, message } })}\n`, stderr: stack, code: exitCode }
    : { stdout: "", stderr: `${stack}error: ${message}${hint}\n`, code: exitCode };
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return text ? new Promise((resolve) => stream.write(text, () => resolve())) : Promise.resolve();
}

/** The library logs info lines with console.log; stdout belongs to the command's output. */
function routeLibraryLogs(verbose: boolean): void {
  console.log = verbose ? (...args: unknown[]) => console.error(...args) : () => undefined;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const verbose = argv.includes("--verbose");
  routeLibraryLogs(verbose);
  let command: Command | null = null;
  let out: Output;
  try {
    const found = findCommand(argv);
    command = found.command;
    const wantsHelp = argv.includes("--help") || argv.includes("-h") || argv[0] === "help";
    if (!command) {
      if (found.group) {
        out = wantsHelp ? { stdout: `${groupHelp(found.group)}\n`, stderr: "", code: 0 } : errorOutput(new UsageError(`missing a ${found.group} command:\n${groupHelp(found.group)}`), json, verbose, null);
      } else if (wantsHelp) {
        out = { stdout: `${generalHelp()}\n`, stderr: "", code: 0 };
      } else {
        out = errorOutput(new UsageError(`missing a command (see ${PROGRAM} --help)`), json, verbose, null);
      }
    } else if (wantsHelp) {
      out = { stdout: `${commandHelp(command)}\n`, stderr: "", code: 0 };
    } else {
      const values = parseOptions(command, found.rest);
      const args = new Args(values);
      for (const [name, spec] of Object.entries(command.options)) if (spec.required && spec.type === "string") args.required(name);
      try {
        await prepareDatabase();
        if (command.needsKeyring !== false) await ensureKeyring();
      } catch (error) {
        // Configuration, connection or root key: one line, exit 1.
        if (json) await write(process.stdout, errorOutput(error, true, false, command).stdout);
        exitWithConfigError(error);
      }
      const result = await command.run(args, { json, verbose, stderr: process.stderr }).finally(
        // Wrap counts (rewrap) are kept in memory; a server's job runner would flush them.
        () => flushCounters().catch(() => undefined),
      );
      out = {
        stdout: json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`,
        stderr: "",
        code: result.exitCode ?? EXIT.ok,
      };
    }
  } catch (error) {
    out = errorOutput(error, json, verbose, command);
  } finally {
    await closeDb().catch(() => undefined);
  }
  await write(process.stderr, out.stderr);
  await write(process.stdout, out.stdout);
  return out.code;
}
