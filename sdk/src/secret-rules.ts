import { invalidArgument } from "./errors.js";

const RECOMMENDED_SECRET_CHARS = 32;
let warnedShortSecret = false;

function checkOne(secret: unknown, label: string): string {
  if (typeof secret !== "string" || secret.length === 0) {
    throw invalidArgument(`${label} must be a non-empty string.`);
  }
  if (/\p{Cs}/u.test(secret)) throw invalidArgument(`${label} contains a lone UTF-16 surrogate.`);
  // Code points, not UTF-16 units: an emoji is one character to a person.
  if ([...secret].length < RECOMMENDED_SECRET_CHARS && !warnedShortSecret) {
    warnedShortSecret = true;
    // Once per process: a warning on every call would flood the logs.
    console.warn(
      `[@data-vault/sdk] A secret shorter than ${RECOMMENDED_SECRET_CHARS} characters is in use. ` +
        "Use at least 32 random characters (e.g. `openssl rand -base64 32`).",
    );
  }
  return secret;
}

export interface SecretOptions {
  secret: string;
  previousSecrets?: readonly string[];
}

/** Validates the secret and previous secrets; returns the previous ones deduplicated. */
export function checkSecrets(options: SecretOptions | undefined): { secret: string; previous: string[] } {
  if (options === undefined || options === null || typeof options !== "object") {
    throw invalidArgument("Options with a `secret` are required.");
  }
  const secret = checkOne(options.secret, "secret");
  const previous: string[] = [];
  if (options.previousSecrets !== undefined) {
    if (!Array.isArray(options.previousSecrets)) throw invalidArgument("previousSecrets must be an array of strings.");
    for (const old of options.previousSecrets) {
      checkOne(old, "previousSecrets entry");
      if (old !== secret && !previous.includes(old)) previous.push(old);
    }
  }
  return { secret, previous };
}

/** Test hook: the warning is per process, tests need to observe it again. */
export function resetSecretWarningForTests(): void {
  warnedShortSecret = false;
}
