// Shared by vi.mock("node:crypto") factories: counts PBKDF2 runs and the
// most that were in flight at once (to show batch derivations run in parallel).
export const pbkdf2Stats = { calls: 0, inFlight: 0, maxInFlight: 0 };

export function resetPbkdf2Stats(): void {
  pbkdf2Stats.calls = 0;
  pbkdf2Stats.inFlight = 0;
  pbkdf2Stats.maxInFlight = 0;
}
