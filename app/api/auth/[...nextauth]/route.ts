// GET/POST /api/auth/* — next-auth's own endpoints (sign-in, callback,
// session, csrf, sign-out). Options are built on the first request. A POST
// body goes through the app's capped reader first (a sign-in form is a few
// hundred bytes), so no upload reaches next-auth's own unbounded read.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { readCapped } from "@/lib/http/body";
import { errorResult, toWebResponse } from "@/lib/http/core";

export const dynamic = "force-dynamic";

const MAX_AUTH_BODY_BYTES = 16 * 1024;

type Ctx = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, ctx: Ctx) {
  let request = req;
  if (req.method !== "GET" && req.method !== "HEAD") {
    try {
      const body = await readCapped(req.body, req.headers.get("content-length"), MAX_AUTH_BODY_BYTES);
      // next-auth reads req.nextUrl: hand it a NextRequest again.
      request = new NextRequest(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) });
    } catch (error) {
      return toWebResponse(errorResult(error));
    }
  }
  return NextAuth(getAuthOptions())(request, ctx);
}

export { handler as GET, handler as POST };
