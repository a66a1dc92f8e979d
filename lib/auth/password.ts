// Password hashing with scrypt from node:crypto (memory-hard, no native
// dependency). The stored string names its scheme and parameters, so the
// cost can be raised later without breaking existing hashes:
//   scrypt$1$<N>$<r>$<p>$<salt, base64url>$<hash, base64url>
import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const CURRENT = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, CURRENT);
  const { N, r, p } = CURRENT;
  return ["scrypt", "1", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

function parse(stored: string) {
  const parts = stored.split("$");
  if (parts.length !== 7 || parts[0] !== "scrypt" || parts[1] !== "1") return null;
  const [N, r, p] = parts.slice(2, 5).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[5]!, "base64url"), hash: Buffer.from(parts[6]!, "base64url") };
}

// A fixed hash to verify against when the account does not exist, so an
// unknown email costs the same time as a wrong password.
let dummy: Promise<string> | undefined;

/** Timing-safe; false for a malformed or missing stored hash. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) {
    dummy ??= hashPassword("not-a-real-password");
    const fake = parse(await dummy)!;
    await derive(password, fake.salt, fake.params);
    return false;
  }
  const actual = await derive(password, parsed.salt, parsed.params);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** True when the hash uses older parameters and should be re-hashed on the next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== CURRENT.N || parsed.params.r !== CURRENT.r || parsed.params.p !== CURRENT.p;
}
