// Concurrency through the real server, on SQLite and PostgreSQL: see
// concurrency-suite.ts (1,000 writers over 100 keys, with and without
// ifVersion, mixed churn; counts exact, zero drift).
import { describe } from "vitest";
import { postgresReachable } from "@/test/providers";
import { concurrencySuite } from "./concurrency-suite";

describe("concurrency [sqlite]", () => concurrencySuite("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!pgUp)("concurrency [postgres]", () => concurrencySuite("postgres"));
