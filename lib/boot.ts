// Everything a server process starts with. Later modules register their
// start-up work here so instrumentation.ts stays one line.
import { startup } from "./startup";

export async function bootServer(): Promise<void> {
  await startup();
}
