// Identifier rules from the API contract. Client-safe (no "server-only"):
// the dashboard checks store ids live with the same pattern.
export const STORE_ID_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}$/;
export const KEY_HASH_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
export const MAX_BATCH_KEYS = 100;

export function storeIdProblem(id: string): string | null {
  if (id.length === 0) return "Enter a store id.";
  if (id.length > 63) return "At most 63 characters.";
  if (!STORE_ID_PATTERN.test(id)) return "Letters, digits, _ and - only; it cannot start with -.";
  return null;
}

/**
 * The existing store id that `id` equals without regard to case, if any.
 * Store ids are unique within a project without regard to case (the
 * database enforces it: migration 0004); the dashboard says so as you type.
 */
export function caseTwin(id: string, existing: readonly string[]): string | undefined {
  const lower = id.toLowerCase();
  return existing.find((e) => e.toLowerCase() === lower);
}
