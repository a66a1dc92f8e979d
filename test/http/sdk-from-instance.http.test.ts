// The instance serves its own SDK (issue 15): the production build (npm run
// build packs sdk/ into public/sdk/) answers GET /sdk/data-vault-sdk-<version>.tgz,
// and the dashboard's install line works as printed: `npm install <that URL>`
// in a scratch app, with no registry (an unreachable one and an empty cache,
// so any dependency would fail the install), then setValue/getValue against
// the same server. Also: the favicon and logo in public/ are served.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeProject, makeStoreAndKey } from "@/test/fixtures";
import { startTestServer, type TestServer } from "@/test/server";
import { installSnippet, SDK_TARBALL_PATH, SDK_VERSION } from "@/lib/dashboard/snippets";

const run = promisify(execFile);
let server: TestServer;
let token = "";
let scratch = "";

beforeAll(async () => {
  server = await startTestServer("sqlite");
  const { project } = await makeProject();
  ({ token } = await makeStoreAndKey(project.id, "oauth-tokens"));
  scratch = mkdtempSync(path.join(tmpdir(), "dv-sdk-from-instance-"));
});

afterAll(async () => {
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the SDK served by the instance", () => {
  it("is the packed SDK of this version, a gzip tarball without runtime dependencies", async () => {
    const res = await fetch(`${server.url}${SDK_TARBALL_PATH}`);
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect([...body.subarray(0, 2)]).toEqual([0x1f, 0x8b]); // gzip
    const file = path.join(scratch, "served.tgz");
    writeFileSync(file, body);
    const { stdout } = await run("tar", ["-xzOf", file, "package/package.json"]);
    const pkg = JSON.parse(stdout) as { name: string; version: string; dependencies?: object };
    expect(pkg).toMatchObject({ name: "@data-vault/sdk", version: SDK_VERSION });
    expect(pkg.dependencies ?? {}).toEqual({});
    expect((await fetch(`${server.url}/sdk/data-vault-sdk-0.0.0-nope.tgz`)).status).toBe(404);
  });

  it("installs with the dashboard's command and no registry, then stores and reads a value through this server", async () => {
    const command = installSnippet(server.url);
    expect(command).toBe(`npm install ${server.url}/sdk/data-vault-sdk-${SDK_VERSION}.tgz`);
    const [, , url] = command.split(" ");
    const app = path.join(scratch, "app");
    const npmEnv: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: "false" };
    delete npmEnv.NODE_OPTIONS;
    mkdirSync(app);
    writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "scratch-app", private: true, type: "module" }));
    await run(
      "npm",
      ["install", url!, "--registry", "http://127.0.0.1:9/", "--cache", path.join(scratch, "npm-cache"), "--no-audit", "--no-fund", "--ignore-scripts", "--fetch-retries", "0"],
      { cwd: app, env: npmEnv },
    );
    const manifest = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies["@data-vault/sdk"]).toBe(url);

    writeFileSync(
      path.join(app, "main.mjs"),
      `import { DataVaultClient } from "@data-vault/sdk";
const store = new DataVaultClient({ baseUrl: process.env.DV_URL, serverKey: process.env.DV_KEY }).getDataVaultStore("oauth-tokens");
const secret = "scratch-app-secret-0123456789-abcdefghij";
await store.setValue("gh:42", "ghr_refresh-token", { secret });
console.log(JSON.stringify({ read: await store.getValue("gh:42", { secret }), missing: await store.getValue("gh:43", { secret }) }));
`,
    );
    const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: app, env: { ...process.env, DV_URL: server.url, DV_KEY: token } });
    expect(JSON.parse(stdout)).toEqual({ read: "ghr_refresh-token", missing: null });
  }, 180_000);

  it("serves the favicon (ICO and SVG) and the logo from public/", async () => {
    for (const [file, type] of [
      ["/favicon.ico", /icon/],
      ["/icon.svg", /^image\/svg\+xml/],
      ["/logo.svg", /^image\/svg\+xml/],
      ["/apple-touch-icon.png", /^image\/png/],
    ] as const) {
      const res = await fetch(`${server.url}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get("content-type"), file).toMatch(type);
    }
    const page = await (await fetch(`${server.url}/sign-in`)).text();
    expect(page).toContain('href="/favicon.ico"');
    expect(page).toContain('href="/icon.svg"');
  });
});
