// The one body reader of the app: every route (v1, dashboard, sign-in)
// reads its request body through here. Bytes are counted as they stream,
// so a body over the route's cap is refused with 413 after at most `max`
// bytes were held, whether its length was declared or sent chunked.
import { VaultError } from "../vault/errors";

/** Any byte source: a web ReadableStream, a Node IncomingMessage, a Readable. */
export type ByteSource = AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

export function tooLarge(max: number): VaultError {
  return new VaultError("VALUE_TOO_LARGE", `the body is over the limit of ${max} bytes`);
}

/** Refuses a declared Content-Length over the cap before a byte is read. */
export function checkDeclaredLength(declared: string | null | undefined, max: number): void {
  if (declared != null && declared !== "" && Number(declared) > max) throw tooLarge(max);
}

function chunks(source: ByteSource): AsyncIterable<Uint8Array> {
  // A Node stream (the lean path's IncomingMessage) is left open when we
  // stop early: its socket must outlive the refusal so the 413 can be sent
  // and the rest of the body dropped (lib/http/linger.ts).
  const node = source as { iterator?: (options: { destroyOnReturn: boolean }) => AsyncIterable<Uint8Array> };
  if (typeof node.iterator === "function") return node.iterator({ destroyOnReturn: false });
  if (Symbol.asyncIterator in source) return source as AsyncIterable<Uint8Array>;
  const stream = source as ReadableStream<Uint8Array>;
  return {
    async *[Symbol.asyncIterator]() {
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        // Stops the producer when we leave early (over the cap).
        await reader.cancel().catch(() => undefined);
      }
    },
  };
}

/** Reads at most `max` bytes; one byte more and it stops with 413. */
export async function readCapped(source: ByteSource | null | undefined, declared: string | null | undefined, max: number): Promise<Buffer> {
  checkDeclaredLength(declared, max);
  if (!source) return Buffer.alloc(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks(source)) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge(max);
    parts.push(chunk);
  }
  return parts.length === 1 ? Buffer.from(parts[0]!.buffer, parts[0]!.byteOffset, parts[0]!.byteLength) : Buffer.concat(parts);
}

const JSON_TYPE = /^application\/json\s*(;|$)/i;

export function requireJsonType(contentType: string | null | undefined, message = "the body must be JSON (Content-Type: application/json)"): void {
  if (!JSON_TYPE.test((contentType ?? "").trim())) throw new VaultError("UNSUPPORTED_MEDIA_TYPE", message);
}

/** UTF-8 (strict) then JSON; empty means undefined so each caller decides. */
export function parseJsonBytes(bytes: Buffer, messages: { utf8: string; json: string } = { utf8: "the body is not valid UTF-8", json: "the body is not valid JSON" }): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new VaultError("INVALID_REQUEST", messages.utf8);
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new VaultError("INVALID_REQUEST", messages.json);
  }
}
