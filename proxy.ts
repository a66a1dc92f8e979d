// Runs before routing for /api/v1 paths that contain a percent sign, the
// only ones Next.js may fail to decode: a malformed escape (%zz, a lone %,
// invalid UTF-8) would otherwise end in a bare 500 from the router. Such a
// path gets the contract's 400 instead. Other requests never reach this.
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  try {
    decodeURIComponent(request.nextUrl.pathname);
    return NextResponse.next();
  } catch {
    return NextResponse.json(
      { error: { code: "INVALID_REQUEST", message: "the path has a malformed percent-encoding" } },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
}

export const config = {
  matcher: ["/api/v1/:path(.*%.*)"],
};
