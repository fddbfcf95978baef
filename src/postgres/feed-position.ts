/**
 * Positions in the PostgreSQL store's change feed: `"<xid>-<id>"`, the event's transaction id and its own
 * id. The feed is ordered by both, in that order (see `PostgresStore.readChanges`).
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** A position read back: both parts as decimal strings, for the `xid8` and `bigint` parameters. */
export interface FeedPosition {
  readonly xid: string;
  readonly id: string;
}

/** Before every event: transaction ids start at 3, and event ids at 1. */
export const FEED_START: FeedPosition = { xid: "0", id: "0" };

const POSITION_PATTERN = /^(0|[1-9][0-9]{0,19})-(0|[1-9][0-9]{0,18})$/;
const MAX_XID = 2n ** 64n - 1n;
const MAX_ID = 2n ** 63n - 1n;

/** The position of the event with transaction id `xid` and id `id` (decimal strings from the database). */
export function formatFeedPosition(xid: string, id: string): string {
  return `${xid}-${id}`;
}

/**
 * The position `after` (from {@link ChangeQuery.after}), or {@link FEED_START} when absent; an
 * `InvalidArgumentError` (argument `after`) for anything that is not a position this store wrote.
 */
export function parseFeedPosition(after: unknown): FeedPosition {
  if (after === undefined) return FEED_START;
  const match = typeof after === "string" ? POSITION_PATTERN.exec(after) : null;
  const xid = match?.[1];
  const id = match?.[2];
  if (xid === undefined || id === undefined || BigInt(xid) > MAX_XID || BigInt(id) > MAX_ID) {
    throw new InvalidArgumentError("after", "after must be a position returned by the change feed");
  }
  return { xid, id };
}
