// Runs before routing, on two kinds of path:
//
// 1. Any path with a percent sign (/api/v1 ones included): Next.js may fail
//    to decode a malformed escape (%zz, a lone %, invalid UTF-8) and end in
//    a bare 500 from the router (e.g. /api/auth/%zz, /projects/%zz). Such a
//    path gets the contract's 400 instead. (Methods Next cannot represent,
//    such as TRACE, never reach this: see lib/http-method-guard.ts.)
// 2. The dashboard (pages, /api/dashboard, /api/auth): a Host other than
//    the public URL's is refused (DNS rebinding; lib/net/public-url.ts);
//    pages get a Content-Security-Policy whose only inline scripts are
//    Next's own, carrying a fresh nonce per request, and frame-ancestors
//    'none'; with an https public URL, HSTS. /api/v1 and /api/health are
//    not here: server apps and load balancers may use any host name.
import { NextResponse, type NextRequest } from "next/server";
import { hostAllowed, publicUrlIsHttps } from "@/lib/net/public-url";

function malformedPath(request: NextRequest): NextResponse | null {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return null;
  } catch {
    return NextResponse.json(
      { error: { code: "INVALID_REQUEST", message: "the path has a malformed percent-encoding" } },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
}

export function contentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // React renders style attributes (Radix positions popovers with them);
    // styles cannot run code, scripts are what the nonce guards.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${options.dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export const HSTS = "max-age=31536000";

export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname;
  const malformed = malformedPath(request);
  if (malformed) return malformed;
  if (path.startsWith("/api/v1/")) return NextResponse.next();

  let https: boolean;
  let allowed: boolean;
  try {
    https = publicUrlIsHttps();
    allowed = hostAllowed(request.headers.get("host"));
  } catch {
    // An unusable PUBLIC_URL/NEXTAUTH_URL: start-up reports it; refuse meanwhile.
    https = false;
    allowed = false;
  }
  if (!allowed) {
    const message = "This dashboard does not answer for this host name. Open it at its configured address (PUBLIC_URL).";
    return path.startsWith("/api/")
      ? NextResponse.json({ error: { code: "FORBIDDEN", message } }, { status: 421, headers: { "Cache-Control": "no-store" } })
      : new NextResponse(message, { status: 421, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }

  const headers = new Headers(request.headers);
  let csp: string | null = null;
  if (!path.startsWith("/api/")) {
    const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
    csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });
    // Next reads the nonce from the request's CSP header and puts it on its scripts.
    headers.set("Content-Security-Policy", csp);
    headers.set("x-nonce", nonce);
  }
  const response = NextResponse.next({ request: { headers } });
  if (csp) response.headers.set("Content-Security-Policy", csp);
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  matcher: [
    "/api/v1/:path(.*%.*)",
    "/((?!api/v1/|api/health|_next/static|_next/image|favicon.ico).*)",
  ],
};
