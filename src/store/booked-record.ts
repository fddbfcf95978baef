/**
 * The record a `book` change writes, as the store contract defines it (`AppointmentStore.write`): the one
 * definition that every store builds it from, so that stores cannot disagree on a field.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type { AppointmentRecord, BookChange } from "./appointment-store.js";

/**
 * The booked record of `change` for `userId`, written at `atMs`, with `metadata` as the store keeps it (a
 * copy of its own: the store's, never the caller's object).
 */
export function bookedRecord(
  userId: string,
  change: BookChange,
  atMs: number,
  metadata: JsonObject | null,
  previousTimes: AppointmentRecord["previousTimes"] = [],
): AppointmentRecord {
  const { times } = change;
  return {
    id: change.id,
    userId,
    status: "booked",
    startMs: times.startMs,
    endMs: times.endMs,
    localStartMs: times.localStartMs,
    localEndMs: times.localEndMs,
    version: 1,
    createdAtMs: atMs,
    updatedAtMs: atMs,
    cancelledAtMs: null,
    cancellationReason: null,
    previousTimes,
    metadata,
  };
}
