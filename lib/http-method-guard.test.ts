// Methods the app does not serve get a 405 with the contract's error shape
// (issue 10, finding 6: TRACE got a bare 500 from Next.js), checked on a
// plain Node server with the guard installed, over a raw socket.
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installMethodGuard } from "./http-method-guard";

let server: http.Server;
let port = 0;

function send(raw: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    socket.on("error", reject);
    socket.on("close", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body });
    });
    socket.write(raw);
  });
}

beforeAll(async () => {
  installMethodGuard();
  installMethodGuard(); // once only
  server = http.createServer((req, res) => {
    res.setHeader("Connection", "close");
    res.end(`handled ${req.method}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("method guard", () => {
  it.each(["TRACE", "TRACK", "CONNECT", "PROPFIND", "MKCOL", "FOO"])("%s gets 405 METHOD_NOT_ALLOWED", async (method) => {
    const target = method === "CONNECT" ? "example.com:443" : "/api/health";
    const res = await send(`${method} ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(405);
    expect(res.headers).toMatch(/Allow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/i);
    expect(JSON.parse(res.body)).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: "this method is not allowed" } });
  });

  it("a refused method with a body gets its 405 and the connection serves the next request", async () => {
    // Two requests on one connection: a PROPFIND with a 64 KiB body, then a GET.
    const body = "x".repeat(64 * 1024);
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.on("data", (d) => (data += d.toString()));
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    socket.write(`PROPFIND /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    // The body arrives after the answer was sent.
    await new Promise((r) => setTimeout(r, 50));
    socket.write(body);
    socket.write("GET /after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await closed;
    const first = data.slice(0, data.indexOf("\r\n\r\n"));
    expect(first).toMatch(/^HTTP\/1\.1 405 /);
    expect(first).toMatch(/^Connection: keep-alive/im);
    expect(data).toContain("HTTP/1.1 200 OK");
    expect(data).toContain("handled GET");
  });

  it.each(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])("%s reaches the app", async (method) => {
    const res = await send(`${method} /x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(`handled ${method}`);
  });
});
