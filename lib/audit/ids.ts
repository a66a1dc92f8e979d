// Audit event ids: 12 hex digits of Unix milliseconds, 4 hex digits of a
// per-process sequence (events of one millisecond keep the order they were
// made in), then 12 random hex digits (28 characters). Ordered by time as text, so "newest first" is
// ORDER BY id DESC, a page cursor is the last id, a time range is an id
// range, and retention deletes everything below one id. Migration 0006
// gives older rows ids of the same form.
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 6 * 512;
let sequence = 0;
let pool = Buffer.alloc(0);
let offset = POOL_BYTES;

function suffix(): string {
  if (offset >= pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 6);
  offset += 6;
  sequence = (sequence + 1) & 0xffff;
  return sequence.toString(16).padStart(4, "0") + hex;
}

const timeHex = (ms: number) => Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");

export function newEventId(at: Date | number = Date.now()): string {
  return timeHex(typeof at === "number" ? at : at.getTime()) + suffix();
}

/** The smallest id of an event at or after `at`. */
export function idFloor(at: Date): string {
  return timeHex(at.getTime()) + "0".repeat(16);
}

export const EVENT_ID_PATTERN = /^[0-9a-f]{28}$/;

/** When the event with this id happened. */
export function timeOfId(id: string): Date {
  return new Date(parseInt(id.slice(0, 12), 16));
}
