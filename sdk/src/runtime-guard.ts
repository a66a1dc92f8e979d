import { DataVaultError } from "./errors.js";

/**
 * Bundlers that ignore the package's "browser" export condition still end
 * up here. The SDK holds the app's secret and server key: in a browser both
 * would be public, so refuse instead of "working".
 */
export function assertServerRuntime(): void {
  const scope = globalThis as { window?: unknown; document?: unknown };
  if (typeof scope.window !== "undefined" && typeof scope.document !== "undefined") {
    throw new DataVaultError(
      "UNSUPPORTED_RUNTIME",
      "@data-vault/sdk is server-only: it must never run in a browser, where the secret and server key would be exposed.",
    );
  }
}
