import { createHmac, hkdfSync, pbkdf2, randomBytes } from "node:crypto";
import { lengthPrefixed, toBase64Url } from "./encoding.js";
import { GENERATION_ID_BYTES, GENERATION_LABEL, HKDF_INFO_GENERATION, MASTER_KEY_BYTES, PBKDF2_DIGEST, PBKDF2_ITERATIONS } from "./format.js";

/** PBKDF2 salt of a generation id: its own label (never a key-derivation salt) and the store id. */
export function generationSalt(storeId: string): Buffer {
  return lengthPrefixed(GENERATION_LABEL, storeId);
}

/**
 * The short, non-secret id of a secret in one store (docs/crypto.md,
 * "Secret generations"). As costly to test a guessed secret against as a
 * key hash is: the same PBKDF2, so it tells the vault nothing a key hash
 * does not already.
 */
export async function deriveGenerationId(secret: string, storeId: string): Promise<string> {
  const master = await new Promise<Buffer>((resolve, reject) => {
    pbkdf2(Buffer.from(secret, "utf8"), generationSalt(storeId), PBKDF2_ITERATIONS, MASTER_KEY_BYTES, PBKDF2_DIGEST, (error, key) => (error ? reject(error) : resolve(key)));
  });
  const id = toBase64Url(Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), Buffer.from(HKDF_INFO_GENERATION, "utf8"), GENERATION_ID_BYTES)));
  master.fill(0);
  return id;
}

/**
 * Generation ids per (secret, store), for the life of a client: one PBKDF2
 * per secret and store, not per write. Holds only the ids (not secret) under
 * an HMAC index with a random per-client key, so the map reveals neither
 * the secret nor a fast way to test guesses of it.
 */
export class GenerationIds {
  private readonly ids = new Map<string, Promise<string>>();
  private readonly indexKey = randomBytes(32);

  constructor(private readonly maxEntries = 64) {}

  get(secret: string, storeId: string): Promise<string> {
    const index = createHmac("sha256", this.indexKey).update(lengthPrefixed(secret, storeId)).digest("base64url");
    let id = this.ids.get(index);
    if (id === undefined) {
      id = deriveGenerationId(secret, storeId);
      this.ids.set(index, id);
      id.catch(() => this.ids.delete(index));
      if (this.ids.size > this.maxEntries) this.ids.delete(this.ids.keys().next().value as string);
    }
    return id;
  }
}
