/**
 * The cursor of a page of `Scheduler.list`: where the next page starts, in the list's order (start, then
 * id). Opaque to callers; here it is the last listed appointment's start instant and id, so that reading on
 * costs the store one indexed range read and no lookup.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { AppointmentRecord } from "../store/appointment-store.js";

/** The position after which a page starts: the last record of the previous page. */
export interface ListPosition {
  readonly startMs: number;
  readonly id: string;
}

/** The widest instant a record can have (Temporal's range), in epoch milliseconds. */
const MAX_INSTANT_MS = 8.64e15;

/** The cursor of the position after `record`. */
export function cursorAfter(record: AppointmentRecord): string {
  return `${record.startMs}~${record.id}`;
}

/** The position a cursor names; `INVALID_ARGUMENT` for anything {@link cursorAfter} does not make. */
export function positionOf(cursor: unknown): ListPosition {
  const separator = typeof cursor === "string" ? cursor.indexOf("~") : -1;
  if (typeof cursor === "string" && separator > 0 && cursor.length - separator - 1 <= 255) {
    const startText = cursor.slice(0, separator);
    const startMs = Number(startText);
    const id = cursor.slice(separator + 1);
    if (
      /^-?\d+$/.test(startText) &&
      Math.abs(startMs) <= MAX_INSTANT_MS &&
      id.length > 0 &&
      id.isWellFormed() &&
      !id.includes("\0")
    ) {
      return { startMs, id };
    }
  }
  throw new InvalidArgumentError("options.after", "options.after must be the nextCursor of an earlier page");
}
