import "server-only";
import { getDbTarget } from "../../db/client";
import { postgresEntryRepo } from "./postgres";
import { sqliteEntryRepo } from "./sqlite";
import type { EntryRepo } from "./types";

export function entryRepo(): EntryRepo {
  return getDbTarget().provider === "postgres" ? postgresEntryRepo : sqliteEntryRepo;
}

export { isLive, type StoredRow } from "./types";
