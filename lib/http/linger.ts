// What happens to a request body the server refused before reading it to
// the end (413 over the cap, 411 for a chunked body to Next's paths).
// Closing the connection at once is wrong: the client is usually still
// uploading, the unread bytes sit in the kernel's buffer, and closing a
// socket with unread bytes makes TCP send a reset, which on the client's
// side can discard the answer it had not read yet (fetch then fails with
// "other side closed" instead of showing the 413). So, like nginx's
// lingering close, the answer goes out first on a connection kept alive,
// the rest of the body is read and dropped, and only a client that keeps
// sending past a byte or time bound has its connection cut. Dropping bytes
// holds no memory; the bounds keep the CPU cost at that of an ordinary
// request. Hand-written: Node's HTTP server has no lingering close.
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/** Bytes read and dropped after a refusal before the connection is cut. */
export const LINGER_MAX_BYTES = 16 * 1024 * 1024;
/** How long a refused body may keep arriving before the connection is cut. */
export const LINGER_MAX_MS = 5_000;

/** Between the FIN of a cut and the close that resets the connection. */
const CUT_GRACE_MS = 2_000;

const lingering = new WeakSet<Socket>();

/**
 * Whether a socket is dropping a refused body: a parse error there (a
 * chunk size past any limit, say) ends the connection without a second
 * answer, since the refusal was already sent.
 */
export function isLingering(socket: Socket): boolean {
  return lingering.has(socket);
}

/** Reads and drops what is left of a refused request's body, within the bounds. */
export function dropRestOfBody(req: IncomingMessage, bounds: { bytes?: number; ms?: number } = {}): void {
  if (req.complete || req.socket.destroyed) return;
  const maxBytes = bounds.bytes ?? LINGER_MAX_BYTES;
  const socket = req.socket;
  lingering.add(socket);
  let dropped = 0;
  const done = () => {
    clearTimeout(timer);
    lingering.delete(socket);
  };
  // Cutting is gentle too: stop reading and send FIN first, so a client
  // still uploading reads the answer before the reset that the final close
  // brings; the kernel's buffers, not the process, hold what it keeps sending.
  const cut = () => {
    done();
    req.pause();
    socket.pause();
    socket.end();
    setTimeout(() => socket.destroy(), CUT_GRACE_MS).unref();
  };
  const timer = setTimeout(cut, bounds.ms ?? LINGER_MAX_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) cut();
  });
  req.once("end", done);
  req.once("close", done);
  req.resume();
}
