// A public fingerprint of a root key, stored with each master key so that a
// wrong root key is reported as such (docs/formats.md). Plain node:crypto,
// no server-only import: the migration runner uses it too.
import { createHmac } from "node:crypto";

export function rootKeyId(rootKey: Buffer): string {
  return createHmac("sha256", rootKey).update("data-vault/root-key-id/v1").digest("hex").slice(0, 16);
}
