// Random bytes for the envelope's data keys and nonces, drawn from one
// buffer of CSPRNG output (node:crypto's randomFillSync) refilled 4 KiB at a
// time. Each call into OpenSSL costs about as much as the AES work of a
// small entry, and a write needs three (data key, two nonces); Node does the
// same for randomUUID (its entropy cache). Every byte is handed out once,
// as a copy, and zeroed in the buffer as it is handed out. Hand-written:
// node:crypto has no buffered randomBytes.
import { randomBytes, randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES / 4) return randomBytes(n);
  if (offset + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const out = Buffer.alloc(n);
  pool.copy(out, 0, offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
