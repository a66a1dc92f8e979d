// GET/POST /api/auth/* — next-auth's own endpoints (sign-in, callback,
// session, csrf, sign-out). Options are built on the first request.
import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

function handler(req: Request, ctx: Ctx) {
  return NextAuth(getAuthOptions())(req, ctx);
}

export { handler as GET, handler as POST };
