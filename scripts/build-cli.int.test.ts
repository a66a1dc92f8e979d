// The compiled admin CLI (scripts/build-cli.mjs, scripts/ensure-cli.mjs)
// never runs older than its sources. Works on a copy of the repository's
// scripts and lib/ in a temp folder (node_modules linked), so editing a
// source here does not make the other tests' CLI recompile.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);
let copy = "";

const node = (args: string[]) => run(process.execPath, args, { cwd: copy, env: { ...process.env, DATA_DIR: path.join(copy, "data") } });

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), "dv-cli-build-"));
  for (const f of ["scripts/build-cli.mjs", "scripts/ensure-cli.mjs", "scripts/admin.ts", "scripts/migrate.ts", "tsconfig.json", "package.json"]) cpSync(path.join(ROOT, f), path.join(copy, f));
  for (const dir of ["lib", "prisma"]) cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe("the compiled admin CLI", () => {
  it("is compiled once, then recompiled before it runs whenever a source changed", async () => {
    const built = await node(["scripts/build-cli.mjs"]);
    expect(built.stdout).toMatch(/^data-vault: compiled the admin CLI and db:migrate to dist\/cli\//);
    const manifest = JSON.parse(readFileSync(path.join(copy, "dist/cli/manifest.json"), "utf8")) as { inputs: string[] };
    expect(manifest.inputs).toEqual(expect.arrayContaining(["lib/cli/main.ts", "scripts/admin.ts", "scripts/migrate.ts", "node_modules/.package-lock.json"]));

    const first = await node(["dist/cli/admin.mjs", "--help"]);
    expect(first.stdout).toMatch(/^Data Vault admin CLI\n/);
    expect(first.stderr).toBe("");

    const main = path.join(copy, "lib/cli/main.ts");
    writeFileSync(main, readFileSync(main, "utf8").replace('"Data Vault admin CLI"', '"Data Vault admin CLI, edited"'));
    const edited = await node(["dist/cli/admin.mjs", "--help"]);
    expect(edited.stderr).toBe("data-vault: compiling the admin CLI first (lib/cli/main.ts changed)\n");
    expect(edited.stdout).toMatch(/^Data Vault admin CLI, edited\n/);

    const again = await node(["dist/cli/admin.mjs", "--help"]);
    expect(again.stderr).toBe("");
    expect(again.stdout).toMatch(/^Data Vault admin CLI, edited\n/);
  }, 120_000);

  it("is compiled on first use when dist/cli/ is missing (npm run admin / db:migrate)", async () => {
    rmSync(path.join(copy, "dist"), { recursive: true, force: true });
    const migrated = await node(["--import", "./scripts/ensure-cli.mjs", "dist/cli/migrate.mjs"]);
    expect(migrated.stderr).toBe("data-vault: compiling the admin CLI first (not compiled yet)\n");
    expect(migrated.stdout).toMatch(/^applied \d+ migration\(s\) to .*vault\.db: 0001_init/);
  }, 120_000);
});
