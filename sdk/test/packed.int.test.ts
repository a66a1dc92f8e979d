// Packs the SDK as npm would publish it, installs the tarball into a
// scratch app in a temp dir, and runs that app (a separate Node process,
// plain JS, no TypeScript) against a vault over real HTTP: the in-memory
// fake here, or a running vault when DATA_VAULT_E2E_URL and
// DATA_VAULT_E2E_SERVER_KEY are set (store DATA_VAULT_E2E_STORE, default
// "oauth-tokens", must exist).
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeVault } from "./fake-vault.js";

const run = promisify(execFile);
const sdkDir = fileURLToPath(new URL("..", import.meta.url));
const repoRoot = join(sdkDir, "..");
const scratch = mkdtempSync(join(tmpdir(), "data-vault-sdk-packed-"));

const realUrl = process.env.DATA_VAULT_E2E_URL;
const realKey = process.env.DATA_VAULT_E2E_SERVER_KEY;
const storeId = process.env.DATA_VAULT_E2E_STORE ?? "oauth-tokens";
const fake = new FakeVault([storeId]);
let server: { url: string; close: () => Promise<void> } | null = null;
let tarball = "";

const SCENARIO = `
import { DataVaultClient, DataVaultError } from "@data-vault/sdk";
const vault = new DataVaultClient({ baseUrl: process.env.DV_URL, serverKey: process.env.DV_KEY });
const store = vault.getDataVaultStore(process.env.DV_STORE);
const key = "gh:" + process.env.DV_USER;
const token = "ghr_" + process.env.DV_TOKEN;
const oldSecret = process.env.DV_SECRET_OLD, newSecret = process.env.DV_SECRET_NEW;
const out = {};
await store.setValue(key, token, { secret: oldSecret });
out.read = await store.getValue(key, { secret: oldSecret });
out.wrongSecret = await store.getValue(key, { secret: newSecret });
out.rotated = await store.getValue(key, { secret: newSecret, previousSecrets: [oldSecret] });
out.afterRotation = await store.getValue(key, { secret: newSecret });
out.oldGone = await store.getValue(key, { secret: oldSecret });
await store.setValues([[key + ":a", "A"], [key + ":b", ""]], { secret: newSecret });
out.batch = [...(await store.getValues([key + ":a", key + ":b", key + ":c"], { secret: newSecret }))];
out.deleted = await store.deleteValue(key, { secret: newSecret });
for (const k of [key + ":a", key + ":b"]) await store.deleteValue(k, { secret: newSecret });
out.afterDelete = await store.getValue(key, { secret: newSecret });
try { vault.getDataVaultStore("bad store"); } catch (e) { out.badStore = e instanceof DataVaultError ? e.code : String(e); }
console.log(JSON.stringify(out));
`;

beforeAll(async () => {
  await run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", join(sdkDir, "tsconfig.build.json")]);
  // Scripts are skipped: the build just ran, and prepack would need tsc on PATH.
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: sdkDir });
  const packed = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(scratch, packed[0]?.filename ?? "");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
  await run("npm", ["install", tarball, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: scratch });
  if (!realUrl) server = await fake.listen();
}, 120_000);

afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function env(extra: Record<string, string>) {
  return {
    ...process.env,
    DV_URL: realUrl ?? server?.url ?? "",
    DV_KEY: realKey ?? fake.serverKey,
    DV_STORE: storeId,
    ...extra,
  };
}

describe("the packed SDK in a scratch app", () => {
  it("ships only the built files", async () => {
    const { stdout } = await run("tar", ["-tzf", tarball]);
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/dist/index.js");
    expect(files).toContain("package/dist/index.d.ts");
    expect(files).toContain("package/dist/browser.js");
    expect(files).toContain("package/dist/stack-auth.js");
    expect(files).toContain("package/test-vectors.json");
    expect(files.filter((f) => f.includes("/src/") || f.includes("/test/") || f.endsWith(".test.js"))).toEqual([]);
    expect(readdirSync(join(scratch, "node_modules/@data-vault/sdk"))).toContain("dist");
  });

  it("stores, reads, rotates and deletes over HTTP, and the vault sees no plaintext", async () => {
    const user = String(Date.now());
    const secrets = { DV_SECRET_OLD: "old-app-secret-0123456789-abcdefghijklm", DV_SECRET_NEW: "new-app-secret-0123456789-nopqrstuvwxyz" };
    writeFileSync(join(scratch, "scenario.mjs"), SCENARIO);
    const { stdout } = await run(process.execPath, ["scenario.mjs"], {
      cwd: scratch,
      env: env({ DV_USER: user, DV_TOKEN: "refresh-" + user, ...secrets }),
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const token = "ghr_refresh-" + user;
    expect(out).toEqual({
      read: token,
      wrongSecret: null,
      rotated: token,
      afterRotation: token,
      oldGone: null,
      batch: [[`gh:${user}:a`, "A"], [`gh:${user}:b`, ""], [`gh:${user}:c`, null]],
      deleted: true,
      afterDelete: null,
      badStore: "INVALID_ARGUMENT",
    });
    if (!realUrl) {
      const seen = JSON.stringify(fake.log) + fake.dump();
      for (const plain of [`gh:${user}`, token, secrets.DV_SECRET_OLD, secrets.DV_SECRET_NEW]) expect(seen).not.toContain(plain);
      expect(fake.entryCount(storeId)).toBe(0);
    }
  }, 60_000);

  it("exports the Stack Auth adapter as @data-vault/sdk/stack-auth", async () => {
    writeFileSync(
      join(scratch, "stack.mjs"),
      `import { stackAuthCompat } from "@data-vault/sdk/stack-auth";
const app = stackAuthCompat({ baseUrl: process.env.DV_URL, serverKey: process.env.DV_KEY });
const store = await app.getDataVaultStore(process.env.DV_STORE);
await store.setValue("stack-" + process.env.DV_USER, "v", { secret: process.env.DV_SECRET_NEW });
const read = await store.getValue("stack-" + process.env.DV_USER, { secret: process.env.DV_SECRET_NEW });
const empty = await store.getValue("x", { secret: "" }).catch((e) => e.code);
console.log(JSON.stringify({ read, empty }));`,
    );
    const { stdout } = await run(process.execPath, ["stack.mjs"], {
      cwd: scratch,
      env: env({ DV_USER: String(Date.now()), DV_SECRET_NEW: "new-app-secret-0123456789-nopqrstuvwxyz" }),
    });
    expect(JSON.parse(stdout)).toEqual({ read: "v", empty: "INVALID_ARGUMENT" });
  }, 60_000);

  it("loads from CommonJS too (require of an ES module, Node >= 20.19)", async () => {
    writeFileSync(join(scratch, "cjs.cjs"), `const sdk = require("@data-vault/sdk"); console.log(typeof sdk.DataVaultClient);`);
    const { stdout } = await run(process.execPath, ["--no-warnings", "cjs.cjs"], { cwd: scratch });
    expect(stdout.trim()).toBe("function");
  });

  it("fails loudly when resolved for a browser or edge bundle", async () => {
    for (const condition of ["browser", "edge-light"]) {
      for (const entry of ["@data-vault/sdk", "@data-vault/sdk/stack-auth"]) {
        const failure = await run(process.execPath, [`--conditions=${condition}`, "-e", `import("${entry}")`], { cwd: scratch }).then(
          () => null,
          (error: { stderr: string }) => error,
        );
        expect(failure?.stderr, `${entry} under ${condition}`).toMatch(/server-only/);
      }
    }
  });
});
