// Answers 405 with the contract's error shape for HTTP methods the app does
// not serve, before Next.js sees them. Hand-written because Next cannot:
// for every request it builds a WHATWG Request, and Node's fetch refuses the
// methods TRACE, TRACK and CONNECT, so those end in a bare 500 before
// proxy.ts or any route handler runs; methods Node's parser does not know
// (e.g. FOO) get a bare 400 from Node. Installed once per process from
// instrumentation.ts, on the prototype of Node's HTTP server, because
// `next start` does not expose its server object; it applies to a custom
// server too. It costs one Set lookup per request.
import http from "node:http";
import type { Duplex } from "node:stream";
import { dropRestOfBody } from "./http/linger";

/** What the dashboard, next-auth and the v1 API use; everything else is 405. */
export const SERVED_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ALLOW = [...SERVED_METHODS].join(", ");
const BODY = JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: "this method is not allowed" } });

function rawAnswer(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end(
    "HTTP/1.1 405 Method Not Allowed\r\n" +
      `Allow: ${ALLOW}\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n` +
      `Content-Length: ${Buffer.byteLength(BODY)}\r\nConnection: close\r\n\r\n${BODY}`,
  );
}

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

export function installMethodGuard(): void {
  const proto = http.Server.prototype as http.Server & { __dataVaultMethodGuard?: boolean };
  if (proto.__dataVaultMethodGuard) return;
  proto.__dataVaultMethodGuard = true;
  const emit = proto.emit as Emit;
  proto.emit = function guardedEmit(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (!SERVED_METHODS.has(req.method ?? "")) {
        // The connection stays open: a client may still be sending a body
        // (PROPFIND, say), and closing with unread bytes resets the
        // connection before the client reads the 405. The body is dropped
        // within the same bounds as a refused upload (lib/http/linger.ts).
        res.writeHead(405, { Allow: ALLOW, "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(BODY) });
        res.end(BODY);
        dropRestOfBody(req);
        return true;
      }
    } else if (event === "connection" && this.listenerCount("connect") === 0) {
      // Node drops a CONNECT with no answer unless the server listens for
      // it (it checks before emitting), so the guard listens, once per server.
      this.on("connect", (_req: http.IncomingMessage, socket: Duplex) => rawAnswer(socket));
    } else if (event === "clientError" && (args[0] as { code?: string } | undefined)?.code === "HPE_INVALID_METHOD") {
      rawAnswer(args[1] as Duplex);
      return true;
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
