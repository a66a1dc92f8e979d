// Secrets come into the CLI from stdin, a file or a hidden prompt, never
// from argv (visible to every user in `ps`) and never echoed back.
import { readFileSync } from "node:fs";
import { CliError, UsageError } from "./command";

let stdinTaken = false;

/** All of stdin, without its final line break. Only one option may use it. */
export async function readStdin(option: string): Promise<string> {
  if (stdinTaken) throw new UsageError(`--${option}: stdin is already used by another option`);
  stdinTaken = true;
  if (process.stdin.isTTY) throw new UsageError(`--${option}: pipe the secret in (stdin is a terminal)`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
  if (text === "") throw new CliError("INVALID_REQUEST", `--${option}: stdin was empty`);
  return text;
}

export function readSecretFile(option: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new CliError("INVALID_REQUEST", `--${option}: cannot read ${file} (${code})`);
  }
}

/** Asks on the terminal without echoing what is typed. */
export function promptHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) return Promise.reject(new UsageError("no terminal to prompt on"));
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let typed = "";
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new CliError("CANCELLED", "cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
