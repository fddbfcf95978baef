/**
 * The change feed of {@link MemoryStore}: events in the order their writes ran (which, in one process, is
 * the order they committed), at positions `"1"`, `"2"`, … that never repeat.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { AppointmentRecord, ChangeQuery, ChangeRecord } from "./appointment-store.js";

/** An event as kept: one object per change, without its position (made when the feed is read). */
export type KeptEvent = Omit<ChangeRecord, "position">;

/**
 * What the feed keeps per event. The commonest event, a booking without an idempotency key, is kept as the
 * booked record itself: its type, time and lack of a key follow from the record (version 1, `createdAtMs`),
 * so a booking adds no object of its own to the heap.
 */
type Entry = KeptEvent | AppointmentRecord;

/** Room left by expired events before the arrays are compacted. */
const COMPACT_AFTER = 1024;

/** Append-only, with expired events dropped from the front. */
export class ChangeFeed {
  #entries: Entry[] = [];
  /** The expiry of each entry, epoch milliseconds: a packed array of numbers beside the entries. */
  #expiries: number[] = [];
  /** Index of the first entry still kept: expiring one is O(1), the arrays are compacted now and then. */
  #head = 0;
  /** The sequence number (position) of `#entries[0]`. */
  #first = 1;

  /** Appends the event of a change; a booking without a key may be given as its booked record. */
  append(entry: Entry, expiresAtMs: number): void {
    this.#entries.push(entry);
    this.#expiries.push(expiresAtMs);
  }

  read(query: ChangeQuery): ChangeRecord[] {
    const after = query.after === undefined ? 0 : sequenceOf(query.after);
    const entries = this.#entries;
    const found: ChangeRecord[] = [];
    for (let i = Math.max(this.#head, after - this.#first + 1); i < entries.length && found.length < query.limit; i++) {
      const entry = entries[i] as Entry;
      const event: KeptEvent = "type" in entry ? entry : bookedEvent(entry);
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
    const expiries = this.#expiries;
    const start = this.#head;
    while (this.#head < expiries.length && (expiries[this.#head] as number) <= nowMs) this.#head++;
    const removed = this.#head - start;
    if (this.#head > COMPACT_AFTER && this.#head * 2 > expiries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#expiries = expiries.slice(this.#head);
      this.#first += this.#head;
      this.#head = 0;
    }
    return removed;
  }
}

/** The event of a booking kept as its record: booked at its creation, without a key. */
function bookedEvent(record: AppointmentRecord): KeptEvent {
  return { type: "booked", record, previous: null, idempotencyKey: null, atMs: record.createdAtMs };
}

function sequenceOf(position: string): number {
  if (typeof position !== "string" || !/^(0|[1-9]\d{0,15})$/.test(position)) {
    throw new InvalidArgumentError("after", "after must be a position returned by the change feed");
  }
  return Number(position);
}
