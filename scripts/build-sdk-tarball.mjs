// Part of `npm run build`: compiles the SDK (sdk/dist) and packs it with
// `npm pack`, exactly as it would be published, into public/sdk/
// (gitignored). Every instance then serves its own SDK as a static file,
// GET /sdk/data-vault-sdk-<version>.tgz, under `next start` and a custom
// server alike, so a self-hoster installs it with
//   npm install https://<this instance>/sdk/data-vault-sdk-<version>.tgz
// (the dashboard's "Use this store" shows that line). It runs before
// `next build`: Next serves the public/ files that exist when it builds.
// The SDK has no dependencies, so that install needs no registry.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sdkDir = path.join(root, "sdk");
const outDir = path.join(root, "public", "sdk");
const started = Date.now();

const pkg = JSON.parse(readFileSync(path.join(sdkDir, "package.json"), "utf8"));
// npm pack's name for a scoped package: @data-vault/sdk 0.1.0 → data-vault-sdk-0.1.0.tgz
const expected = `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;
if (Object.keys(pkg.dependencies ?? {}).length > 0) {
  // The dashboard tells users to install the tarball alone; a dependency would need a registry.
  console.error(`data-vault: sdk/package.json has dependencies (${Object.keys(pkg.dependencies).join(", ")}): the served SDK must install without a registry`);
  process.exit(1);
}

// From scratch, so no file of a removed source ships.
rmSync(path.join(sdkDir, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(sdkDir, "tsconfig.build.json")], { stdio: "inherit" });

mkdirSync(outDir, { recursive: true });
// One SDK per instance: the version this build serves.
for (const old of readdirSync(outDir)) if (old.endsWith(".tgz")) rmSync(path.join(outDir, old));
// --ignore-scripts: prepack would build sdk/dist again, which just happened.
const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", outDir], {
  cwd: sdkDir,
  encoding: "utf8",
  env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
});
const [packed] = JSON.parse(out);
if (packed?.filename !== expected) {
  console.error(`data-vault: npm pack wrote ${packed?.filename}, expected ${expected} (the name the dashboard shows)`);
  process.exit(1);
}
console.log(`data-vault: packed the SDK into public/sdk/${expected} (${packed.entryCount} files, ${Date.now() - started} ms)`);
