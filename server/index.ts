// Entry of the compiled server (dist/server.mjs, built by npm run build).
import { main } from "./main";

// React and Next read NODE_ENV when they load (main() imports Next later).
(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

main().catch((error: unknown) => {
  console.error(`data-vault: cannot start: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
});
