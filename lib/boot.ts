// Everything a server process starts with: configuration, migrations, the
// keyring (so a wrong root key fails at start, not at the first request),
// then the background jobs.
import { getConfig } from "./config";
import { startup, onStartup } from "./startup";
import { ensureKeyring } from "./vault/keyring";
import { startJobs } from "./vault/jobs";
import { checkAuthSecret } from "./auth/secret";

export async function bootServer(): Promise<void> {
  onStartup(checkAuthSecret);
  onStartup(ensureKeyring);
  onStartup(() => {
    if (getConfig().VAULT_BACKGROUND_JOBS === "on") startJobs();
  });
  await startup();
}
