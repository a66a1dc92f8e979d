// Any other path under /api/v1 — the contract's error shape instead of an
// HTML 404 page.
import { errorBody, NO_STORE } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

const notFound = async () => Response.json(errorBody("NOT_FOUND", "no such API path"), { status: 404, headers: NO_STORE });

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
