// npm run admin -- <command> [options]: the admin CLI (lib/cli). Run with
// tsx --conditions=react-server so the services' "server-only" imports load.
import nextEnv from "@next/env";
import { main } from "../lib/cli/main";

// The same .env files the server reads (Next.js loads them for next start).
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
process.exit(await main(process.argv.slice(2)));
