import "server-only";
// The v1 API under Next's router (`next dev`, `next start`): every method of
// a route file goes to the same dispatcher as the lean path of `npm start`.
// A route file is one line: export const { GET, ... } = v1Route("<template>").
import { fromWebRequest, toWebResponse } from "../http/core";
import { handleV1, routeTemplates } from "./dispatch";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
type Handlers = Record<(typeof METHODS)[number], (req: Request) => Promise<Response>>;

async function serve(req: Request): Promise<Response> {
  return toWebResponse(await handleV1(fromWebRequest(req)));
}

/** Handlers for a route file; the template must be one of the table's (or "*" for the catch-all). */
export function v1Route(template: string): Handlers {
  if (template !== "*" && !routeTemplates().includes(template)) {
    throw new Error(`no v1 operation has the path ${template}: declare it in lib/api/operations.ts`);
  }
  return Object.fromEntries(METHODS.map((m) => [m, serve])) as Handlers;
}
