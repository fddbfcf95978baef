/**
 * The change feed of {@link MemoryStore}: events in the order their writes ran (which, in one process, is
 * the order they committed), at positions `"1"`, `"2"`, … that never repeat.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { ChangeQuery, ChangeRecord } from "./appointment-store.js";

/**
 * An event as kept: one object per change, without its position (the position of the event at index `i`
 * is `first + i`, so no string is made per write; positions are made when the feed is read).
 */
export interface KeptEvent extends Omit<ChangeRecord, "position"> {
  readonly expiresAtMs: number;
}

/** Room left by expired events before the array is compacted. */
const COMPACT_AFTER = 1024;

/** Append-only, with expired events dropped from the front. */
export class ChangeFeed {
  #events: KeptEvent[] = [];
  /** Index of the first event still kept: expiring one is O(1), the array is compacted now and then. */
  #head = 0;
  /** The sequence number of `#events[0]`. */
  #first = 1;

  append(event: KeptEvent): void {
    this.#events.push(event);
  }

  read(query: ChangeQuery): ChangeRecord[] {
    const after = query.after === undefined ? 0 : sequenceOf(query.after);
    const events = this.#events;
    const found: ChangeRecord[] = [];
    for (let i = Math.max(this.#head, after - this.#first + 1); i < events.length && found.length < query.limit; i++) {
      const event = events[i] as KeptEvent;
      if (query.userId !== undefined && event.record.userId !== query.userId) continue;
      found.push(
        Object.freeze({
          position: String(this.#first + i),
          type: event.type,
          record: event.record,
          previous: event.previous,
          idempotencyKey: event.idempotencyKey,
          atMs: event.atMs,
        }),
      );
    }
    return found;
  }

  /**
   * Drops the events at the front that expired at or before `nowMs`, and returns how many. Events are kept
   * in write order, and each scheduler gives every event the same retention, so they expire in that order;
   * an event kept longer than one after it only delays that one's removal.
   */
  expire(nowMs: number): number {
    const events = this.#events;
    const start = this.#head;
    while (this.#head < events.length && (events[this.#head] as KeptEvent).expiresAtMs <= nowMs) this.#head++;
    const removed = this.#head - start;
    if (this.#head > COMPACT_AFTER && this.#head * 2 > events.length) {
      this.#events = events.slice(this.#head);
      this.#first += this.#head;
      this.#head = 0;
    }
    return removed;
  }
}

function sequenceOf(position: string): number {
  if (typeof position !== "string" || !/^(0|[1-9]\d{0,15})$/.test(position)) {
    throw new InvalidArgumentError("after", "after must be a position returned by the change feed");
  }
  return Number(position);
}
