// The production server of `npm start`: one process, one node:http server.
// /api/v1/* and /api/health go to the lean path (lean.ts); every other path
// goes to Next's request handler (a custom server, as Next documents). Both
// share one copy of process state (database pools, the SQLite connection,
// keyring and server-key caches, rate-limit buckets, activity counters):
// it lives on globalThis (lib/singleton.ts), whichever bundle loads first.
//
// On SIGTERM or SIGINT: stop accepting, let requests in flight finish
// (bounded by VAULT_SHUTDOWN_TIMEOUT_SECONDS), stop the background jobs,
// flush the counters, close the database (SQLite leaves no -wal), exit 0.
import http from "node:http";
import type { Socket } from "node:net";
import path from "node:path";
import { log } from "@/lib/log";
import { bootServer, serverOwnsSignals, shutdownVault } from "@/lib/boot";
import { PEER_HEADER, SECURITY_HEADERS, errorBody, jsonResult, writeNodeResponse } from "@/lib/http/core";
import { dropRestOfBody, isLingering } from "@/lib/http/linger";
import { installMethodGuard } from "@/lib/http-method-guard";
import { leanTarget, serveLean } from "./lean";

/** Dashboard and sign-in bodies are small: a declared length over this never reaches Next. */
const MAX_NEXT_BODY_BYTES = 1024 * 1024;

export async function main(): Promise<void> {
  const dir = process.env.DATA_VAULT_APP_DIR ?? path.resolve(import.meta.dirname, "..");
  const port = Number(process.env.PORT ?? 3000);
  const hostname = process.env.HOST ?? "0.0.0.0";
  const shutdownMs = Number(process.env.VAULT_SHUTDOWN_TIMEOUT_SECONDS ?? 10) * 1000;

  serverOwnsSignals().value = true;
  // TRACE, CONNECT and unknown methods: 405 in the API's error shape, on every path.
  installMethodGuard();
  const { default: next } = await import("next");
  const app = next({ dev: false, dir, hostname, port, customServer: true });
  const handle = app.getRequestHandler();
  // Configuration, migrations, keyring, jobs: before anything is served.
  // (instrumentation.ts does the same under next start; here Next runs it
  // only after prepare(), and it finds this boot already done.)
  await bootServer();
  await app.prepare();

  let inFlight = 0;
  let draining = false;
  let idle: (() => void) | null = null;

  const server = http.createServer((req, res) => {
    inFlight++;
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    if (draining) res.setHeader("Connection", "close");
    const url = req.url ?? "/";
    const lean = leanTarget(url);
    if (lean) {
      void serveLean(req, res, lean);
      return;
    }
    // Next copies a body for proxy.ts before any route sees it. Its routes
    // take small forms, which browsers always send with a length: a longer
    // one, or one of unknown length (chunked), never reaches Next.
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunked = req.headers["transfer-encoding"] !== undefined;
    if (declared > MAX_NEXT_BODY_BYTES || chunked) {
      const result = chunked
        ? jsonResult(errorBody("LENGTH_REQUIRED", "send the body with a Content-Length"), 411)
        : jsonResult(errorBody("VALUE_TOO_LARGE", `the body is over the limit of ${MAX_NEXT_BODY_BYTES} bytes`), 413);
      writeNodeResponse(res, result);
      dropRestOfBody(req);
      return;
    }
    // Next's routes learn the TCP peer from this header; a client's copy is dropped.
    delete req.headers[PEER_HEADER];
    if (req.socket.remoteAddress) req.headers[PEER_HEADER] = req.socket.remoteAddress;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!res.hasHeader(name)) res.setHeader(name, value);
    handle(req, res).catch((error: unknown) => {
      log.error("request failed in Next", { reason: String((error as Error)?.message ?? error).slice(0, 300) });
      if (!res.headersSent) writeNodeResponse(res, jsonResult(errorBody("INTERNAL", "internal error"), 500));
      else res.destroy();
    });
  });
  // Longer than the idle timeout of common load balancers (60 s), so the
  // proxy, not the vault, closes idle connections, and a client never
  // sends on a connection the server is closing at that very moment.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.on("clientError", (_error, socket) => {
    if (isLingering(socket as Socket)) socket.destroy(); // its refusal was already sent
    else if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  log.info("listening", { url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`, pid: process.pid });

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    log.info("shutting down", { signal, inFlight });
    server.close();
    server.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        idle = resolve;
        setTimeout(resolve, shutdownMs).unref();
      });
    }
    server.closeAllConnections();
    await shutdownVault();
    log.info("stopped", { signal });
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void shutdown(signal));
}
