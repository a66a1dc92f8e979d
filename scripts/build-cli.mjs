// Compiles the admin CLI (scripts/admin.ts → lib/cli) and db:migrate
// (scripts/migrate.ts) to plain JavaScript with esbuild, once, into
// dist/cli/ (gitignored), so a call costs a Node start and the work, not a
// TypeScript compile. Runs on install (postinstall) and in `npm run build`;
// scripts/ensure-cli.mjs recompiles when a source is newer than the build.
//
//   node scripts/build-cli.mjs              compile
//   node scripts/build-cli.mjs --if-stale   compile only when out of date
//
// What is bundled: the project's TypeScript (with "@/..." paths), the
// generated Prisma clients (lib/generated) and the pure-JS packages
// (Prisma's runtime and adapters, pg, zod, @next/env): one file per entry
// starts faster than Node resolving and reading a few hundred modules.
// `server-only` resolves to its empty react-server export, as it does in
// Next's server bundle. What stays external, loaded from node_modules when
// used: better-sqlite3 (a native addon), and Prisma's query compilers
// (2.5 MB of base64 WebAssembly each, imported on the first query, only
// for the provider in use).
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_DIR = path.join(ROOT, "dist", "cli");
const MANIFEST = path.join(OUT_DIR, "manifest.json");
export const ENTRIES = { admin: "scripts/admin.ts", migrate: "scripts/migrate.ts" };

// Files that change what the bundles contain besides their own inputs: this
// script (the build options), package.json ("type": "module" sets how
// CommonJS default imports are read), the path aliases, the installed packages
// (npm rewrites node_modules/.package-lock.json on every install; the
// packages' own files carry npm's fixed 1985 timestamps, so their mtimes
// say nothing).
const ALWAYS_CHECKED = ["scripts/build-cli.mjs", "scripts/ensure-cli.mjs", "package.json", "tsconfig.json", "node_modules/.package-lock.json"];

// ES module output has no require/__dirname; bundled CommonJS (pg,
// @next/env) uses both. The first import checks that this build is current
// before anything else of the bundle runs (ES modules evaluate their imports
// in order).
const BANNER = [
  'import "../../scripts/ensure-cli.mjs";',
  'import { createRequire as __dvCreateRequire } from "node:module";',
  'import { fileURLToPath as __dvFileURLToPath } from "node:url";',
  "const require = __dvCreateRequire(import.meta.url);",
  "const __filename = __dvFileURLToPath(import.meta.url);",
  'const __dirname = __dvFileURLToPath(new URL(".", import.meta.url));',
].join("\n");

// The generated Prisma clients only define things (their one side effect
// sets globalThis.__dirname, which the bundle provides anyway). Saying so
// lets esbuild leave them, and Prisma's runtime, out of db:migrate, which
// talks to the database through the drivers alone.
const generatedClientsArePure = {
  name: "generated-clients-are-pure",
  setup(build) {
    build.onResolve({ filter: /\/generated\/(sqlite|postgresql)\/client$/ }, (args) => ({
      path: path.join(args.resolveDir, `${args.path}.ts`),
      sideEffects: false,
    }));
  },
};

/** Why dist/cli/ must be rebuilt before it runs, or null when it is current. */
export function staleReason() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return "not compiled yet";
  }
  for (const entry of Object.keys(ENTRIES)) {
    try {
      statSync(path.join(OUT_DIR, `${entry}.mjs`));
    } catch {
      return `dist/cli/${entry}.mjs is missing`;
    }
  }
  for (const input of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(path.join(ROOT, input)).mtimeMs;
    } catch {
      return `${input} was removed`;
    }
    if (mtime > manifest.startedAt) return `${input} changed`;
  }
  return null;
}

/** Compiles every entry; files are replaced by rename, so a CLI starting meanwhile never reads half a file. */
export async function buildCli() {
  const esbuild = await import("esbuild");
  const startedAt = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ in: input, out })),
    outdir: OUT_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // server-only's empty export, as in Next's server build.
    conditions: ["react-server"],
    external: ["better-sqlite3", "@prisma/client/runtime/query_compiler_bg.*"],
    banner: { js: BANNER },
    plugins: [generatedClientsArePure],
    sourcemap: "linked",
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  mkdirSync(OUT_DIR, { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  const inputs = [...new Set([...Object.keys(result.metafile.inputs).filter((f) => !f.startsWith("node_modules/")), ...ALWAYS_CHECKED])].sort();
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ startedAt, inputs }, null, 1)}\n`);
  renameSync(tmp, MANIFEST);
  return { ms: Date.now() - startedAt, inputs: inputs.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const reason = staleReason();
  if (process.argv.includes("--if-stale") && !reason) process.exit(0);
  const { ms, inputs } = await buildCli();
  console.log(`data-vault: compiled the admin CLI and db:migrate to dist/cli/ (${inputs} sources, ${ms} ms)`);
}
