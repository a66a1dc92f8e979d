// npm run admin -- <command> [options]: the admin CLI (lib/cli). Compiled
// to dist/cli/admin.mjs by scripts/build-cli.mjs (on install and build, and
// again whenever a source changed), so it runs as plain JavaScript.
import nextEnv from "@next/env";
import { main } from "../lib/cli/main";

// The same .env files the server reads (Next.js loads them for next start).
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
process.exit(await main(process.argv.slice(2)));
