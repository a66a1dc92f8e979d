// Reads a JSON request body with a byte cap enforced while streaming, so an
// oversize body is refused before it is buffered or parsed.
import { VaultError } from "../vault/errors";

export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type.trim())) {
    throw new VaultError("UNSUPPORTED_MEDIA_TYPE", "the body must be JSON (Content-Type: application/json)");
  }
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    throw new VaultError("VALUE_TOO_LARGE", `the body is over the limit of ${maxBytes} bytes`);
  }
  if (!req.body) throw new VaultError("INVALID_REQUEST", "the body is empty; JSON expected");
  if (declared !== null && /^\d+$/.test(declared)) {
    // The declared length is within the cap: read it in one go (much
    // cheaper than a chunked read through Next's stream adapters). The
    // server stops at the declared length, so it cannot grow past the cap.
    return parseJson(await readText(req));
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new VaultError("VALUE_TOO_LARGE", `the body is over the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return parseJson(decode(Buffer.concat(chunks)));
}

async function readText(req: Request): Promise<string> {
  return decode(new Uint8Array(await req.arrayBuffer()));
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new VaultError("INVALID_REQUEST", "the body is not valid UTF-8");
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === "") throw new VaultError("INVALID_REQUEST", "the body is empty; JSON expected");
  try {
    return JSON.parse(text);
  } catch {
    throw new VaultError("INVALID_REQUEST", "the body is not valid JSON");
  }
}
