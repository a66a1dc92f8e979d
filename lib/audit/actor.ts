// Who did something: the one structured actor every service that records
// an audit event is given (as Infisical passes one actor to its services).
// Stored as actorType + actorId. Client-safe.

export type Actor =
  /** A dashboard account (its user id). */
  | { type: "user"; id: string }
  /** A server key through the v1 API (its key id, never its token). */
  | { type: "server_key"; id: string }
  /** The admin CLI (`npm run admin`), run by whoever has shell access. */
  | { type: "cli" }
  /** A background job of the vault itself, by name (e.g. "auto-rotate"). */
  | { type: "system"; id: string }
  /** Nobody known: a v1 request without a valid server key, a failed sign-in. */
  | { type: "anonymous" };

export type ActorType = Actor["type"];
export const ACTOR_TYPES: readonly ActorType[] = ["user", "server_key", "cli", "system", "anonymous"];

export const userActor = (id: string): Actor => ({ type: "user", id });
export const serverKeyActor = (id: string): Actor => ({ type: "server_key", id });
export const systemActor = (job: string): Actor => ({ type: "system", id: job });
export const CLI_ACTOR: Actor = { type: "cli" };
export const ANONYMOUS: Actor = { type: "anonymous" };

/** The stored actorId: the id, "cli" for the CLI (so it can be filtered by an index), null for anonymous. */
export function actorIdOf(actor: Actor): string | null {
  switch (actor.type) {
    case "cli":
      return "cli";
    case "anonymous":
      return null;
    default:
      return actor.id;
  }
}

/** The user id when the actor is a dashboard account. */
export function userIdOf(actor: Actor): string | null {
  return actor.type === "user" ? actor.id : null;
}
