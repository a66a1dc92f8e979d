// npm run admin -- <command> [options]: the admin CLI (lib/cli). Run with
// tsx --conditions=react-server so the services' "server-only" imports load.
import { main } from "../lib/cli/main";

process.exit(await main(process.argv.slice(2)));
