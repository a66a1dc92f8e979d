// npm test: every tier in order — lint, typecheck, unit, integration
// (SQLite and PostgreSQL), the production build, the HTTP contract against
// the built server (SQLite and PostgreSQL), e2e in Chromium, then the short
// adversarial suite (the full one: npm run test:adversarial).
//
// Every tier runs even when an earlier one failed, so the summary is
// complete; the tiers that test the production build are not run when the
// build failed (they would test an older build). Exits 1 if anything failed.
// The last line is `N passed, M failed`: the tests each runner reports in
// its JSON report (Vitest's json reporter, Playwright's json reporter),
// plus lint, typecheck and build as one check each.
//
// `npm test -- unit http` runs only the tiers whose scripts are named
// (lint, typecheck, unit, integration, build, http, e2e, adversarial).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const reports = mkdtempSync(path.join(tmpdir(), "dv-test-all-"));
const vitestJson = (name) => ["--reporter=json", `--outputFile.json=${path.join(reports, `${name}.json`)}`];

// [name, npm script, extra arguments, { env, report, needsBuild }]
const tiers = [
  ["lint", "lint"],
  ["typecheck", "typecheck"],
  // test:unit has no --reporter of its own: keep Vitest's default one beside the JSON report.
  ["unit", "test:unit", ["--reporter=default", ...vitestJson("unit")], { report: "vitest" }],
  ["integration (SQLite + PostgreSQL)", "test:integration", vitestJson("integration"), { report: "vitest" }],
  // The build must not touch a data directory (no database, no session secret baked into an image):
  // it runs with DATA_DIR at a path that does not exist, and fails if the path appears.
  ["build", "build", [], { env: { DATA_DIR: path.join(reports, "build-data-dir") } }],
  ["http (built server, SQLite + PostgreSQL)", "test:http", vitestJson("http"), { report: "vitest", needsBuild: true }],
  ["e2e (Chromium)", "test:e2e", [], { report: "playwright", needsBuild: true, env: { E2E_JSON_REPORT: path.join(reports, "e2e.json") } }],
  ["adversarial, short (SQLite + PostgreSQL)", "test:adversarial", vitestJson("adversarial"), { report: "vitest", needsBuild: true, env: { ADV_SCALE: "short" } }],
];

const only = process.argv.slice(2);
const known = tiers.map(([, script]) => script.replace("test:", ""));
const unknown = only.filter((name) => !known.includes(name));
if (unknown.length > 0) {
  console.error(`npm test: no tier named ${unknown.join(", ")} (tiers: ${known.join(", ")})`);
  process.exit(2);
}
const selected = only.length === 0 ? tiers : tiers.filter(([, script]) => only.includes(script.replace("test:", "")));

/** One line per failed test (file, name, first line of the error), from a runner's JSON report. */
function failures(kind, file) {
  if (!existsSync(file)) return [];
  const firstLine = (m) => String(m ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim()) ?? "";
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    const out = [];
    if (kind === "vitest") {
      for (const f of r.testResults ?? []) {
        const where = path.relative(process.cwd(), f.name ?? "");
        if (f.status === "failed" && (f.assertionResults ?? []).length === 0) out.push(`${where}: ${firstLine(f.message)}`);
        for (const a of f.assertionResults ?? []) {
          if (a.status === "failed") out.push(`${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
        }
      }
      return out;
    }
    const walk = (suite, file) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          const last = t.results?.at(-1);
          if (t.status === "unexpected") out.push(`${spec.file ?? file} > ${spec.title}: ${firstLine(last?.error?.message)}`);
        }
      }
      for (const s of suite.suites ?? []) walk(s, suite.file ?? file);
    };
    for (const s of r.suites ?? []) walk(s, s.file);
    return out;
  } catch {
    return [];
  }
}

/** Test counts from a runner's JSON report, or null when it wrote none. */
function counts(kind, file) {
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    if (kind === "vitest") {
      // A file that fails to load has no tests; it counts as one failure.
      const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
      return { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles, skipped: r.numPendingTests + r.numTodoTests };
    }
    // Playwright: expected = passed, unexpected = failed, flaky = passed on a retry (retries are 0 here).
    const s = r.stats;
    return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped };
  } catch {
    return null;
  }
}

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const lines = [];
const failedTests = [];
const total = { passed: 0, failed: 0, skipped: 0, tests: 0 };
let buildFailed = false;

for (const [name, script, extra = [], opts = {}] of selected) {
  console.log(`\n=== ${name} ===`);
  if (opts.needsBuild && buildFailed) {
    lines.push(`SKIP ${name}: not run, the build failed`);
    continue;
  }
  const started = Date.now();
  const args = ["run", script, ...(extra.length ? ["--", ...extra] : [])];
  const r = spawnSync("npm", args, { stdio: "inherit", env: { ...env, ...opts.env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let ok = r.status === 0;
  if (script === "build" && existsSync(opts.env.DATA_DIR)) {
    console.error(`npm test: the build created ${opts.env.DATA_DIR} (${readdirSync(opts.env.DATA_DIR).join(", ")}): a page read the database or the session secret while prerendering`);
    ok = false;
  }
  if (script === "build") buildFailed = !ok;
  if (!opts.report) {
    // lint, typecheck, build: one check each.
    total[ok ? "passed" : "failed"]++;
    lines.push(`${ok ? "ok  " : "FAIL"} ${name} (${seconds}s)`);
    continue;
  }
  const file = opts.env?.E2E_JSON_REPORT ?? path.join(reports, `${script.replace("test:", "")}.json`);
  let c = counts(opts.report, file);
  let note = "";
  if (!c) {
    c = { passed: 0, failed: 1, skipped: 0 };
    note = " (no test report: the runner failed before it could write one)";
  } else if (!ok && c.failed === 0) {
    // The runner failed without a failing test (e.g. an error outside a test): one failure.
    c.failed = 1;
    note = ` (exit ${r.status} without a failing test: counted as 1 failure)`;
  }
  failedTests.push(...failures(opts.report, file).map((f) => `  ${name}: ${f}`));
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
  total.tests += c.passed + c.failed;
  const failed = !ok || c.failed > 0;
  lines.push(`${failed ? "FAIL" : "ok  "} ${name} (${seconds}s): ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}${note}`);
}
rmSync(reports, { recursive: true, force: true });

const failedTiers = lines.filter((l) => !l.startsWith("ok")).length;
console.log(`\n${lines.join("\n")}\n`);
// The failed tests again, by name, so the end of a long CI log says which.
if (failedTests.length > 0) console.log(`Failed tests:\n${failedTests.join("\n")}\n`);
const which = only.length === 0 ? "all tiers" : `the ${selected.length} tiers asked for`;
console.log(failedTiers === 0 ? `npm test: ${which} passed` : `npm test: ${failedTiers} of ${selected.length} tiers failed or did not run`);
const testTiers = selected.filter(([, , , opts]) => opts?.report).length;
const checks = selected.filter(([, , , opts]) => !opts?.report).map(([name]) => name);
const listed = checks.length > 1 ? `${checks.slice(0, -1).join(", ")} and ${checks.at(-1)}` : checks[0];
const details = [
  `${total.tests} tests in ${testTiers} ${testTiers === 1 ? "tier" : "tiers"}`,
  ...(checks.length ? [`${listed} as one check${checks.length > 1 ? " each" : ""}`] : []),
  ...(total.skipped ? [`${total.skipped} skipped`] : []),
];
console.log(`${total.passed} passed, ${total.failed} failed (${details.join("; ")})`);
process.exit(failedTiers === 0 && total.failed === 0 ? 0 : 1);
