// Timings shared by the keyring and the rewrap job (a module of its own so
// neither has to import the other for a constant).

/** How long an instance trusts its idea of which master-key version is primary. */
export const PRIMARY_REFRESH_MS = 2_000;

/** How old a rotation must be before an unreferenced old version is retired. */
export const RETIRE_GRACE_MS = PRIMARY_REFRESH_MS * 3;
