// npm test: every tier in order — lint, typecheck, unit, integration
// (SQLite and PostgreSQL), the production build, the HTTP contract against
// the built server (SQLite and PostgreSQL), e2e in Chromium, then the short
// adversarial suite (the full one: npm run test:adversarial).
// Stops at the first failing tier and says which.
import { spawnSync } from "node:child_process";

const tiers = [
  ["lint", "npm", ["run", "lint"]],
  ["typecheck", "npm", ["run", "typecheck"]],
  ["unit", "npm", ["run", "test:unit"]],
  ["integration (SQLite + PostgreSQL)", "npm", ["run", "test:integration"]],
  ["build", "npm", ["run", "build"]],
  ["http (built server, SQLite + PostgreSQL)", "npm", ["run", "test:http"]],
  ["e2e (Chromium)", "npm", ["run", "test:e2e"]],
  ["adversarial, short (SQLite + PostgreSQL)", "npm", ["run", "test:adversarial"], { ADV_SCALE: "short" }],
];

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const results = [];
for (const [name, cmd, args, extraEnv = {}] of tiers) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push(`${r.status === 0 ? "ok  " : "FAIL"} ${name} (${seconds}s)`);
  if (r.status !== 0) {
    console.error(`\n${results.join("\n")}\n\nnpm test: the ${name} tier failed`);
    process.exit(1);
  }
}
console.log(`\n${results.join("\n")}\n\nnpm test: all tiers passed`);
