/**
 * The cursor of a page of `Scheduler.list`: where the next page starts, in the list's order (start, then
 * id). Opaque to callers; here it is the last listed appointment's start instant and id, so that reading on
 * costs the store one indexed range read and no lookup.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { AppointmentRecord } from "../store/appointment-store.js";
import { MAX_ID_LENGTH, storesExactly } from "./appointment-id.js";

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

/** Whether `cursor` is one that {@link cursorAfter} could have made. */
export function isCursor(cursor: string): boolean {
  return readPosition(cursor) !== undefined;
}

/** The position a cursor names; `INVALID_ARGUMENT` for anything {@link cursorAfter} does not make. */
export function positionOf(cursor: unknown): ListPosition {
  const position = typeof cursor === "string" ? readPosition(cursor) : undefined;
  if (position === undefined) {
    throw new InvalidArgumentError("options.after", "options.after must be the nextCursor of an earlier page");
  }
  return position;
}

function readPosition(cursor: string): ListPosition | undefined {
  const separator = cursor.indexOf("~");
  if (separator > 0 && cursor.length - separator - 1 <= MAX_ID_LENGTH) {
    const startText = cursor.slice(0, separator);
    const startMs = Number(startText);
    const id = cursor.slice(separator + 1);
    if (/^-?\d+$/.test(startText) && Math.abs(startMs) <= MAX_INSTANT_MS && id.length > 0 && storesExactly(id)) {
      return { startMs, id };
    }
  }
  return undefined;
}
