/**
 * Positions in the SQLite store's change feed: the event's id (the `INTEGER PRIMARY KEY` of the changes
 * table, or an appointment's `change_id` for the event of its current version) in decimal. Ids are handed out
 * under the database's write lock, one write at a time, so their order is the order of commit.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** Before every event: ids start at 1. */
export const FEED_START = 0;

const POSITION_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** The position of the event with id `id`. */
export function formatFeedPosition(id: number): string {
  return String(id);
}

/**
 * The event id of position `after` (from {@link ChangeQuery.after}), or {@link FEED_START} when absent; an
 * `InvalidArgumentError` (argument `after`) for anything that is not a position this store wrote.
 */
export function parseFeedPosition(after: unknown): number {
  if (after === undefined) return FEED_START;
  const id = typeof after === "string" && POSITION_PATTERN.test(after) ? Number(after) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    throw new InvalidArgumentError("after", "after must be a position returned by the change feed");
  }
  return id;
}
