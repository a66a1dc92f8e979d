// Process-wide state (caches, counters, timers). Next.js may load a module
// once for instrumentation and again for route handlers, so state kept in a
// module variable would be split in two; globalThis is shared.
export function processSingleton<T>(name: string, init: () => T): T {
  const g = globalThis as unknown as Record<string, T | undefined>;
  const key = `__dataVault_${name}`;
  return (g[key] ??= init());
}

export function resetProcessSingletons(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const key of Object.keys(g)) if (key.startsWith("__dataVault_") && key !== "__dataVaultDb") delete g[key];
}
