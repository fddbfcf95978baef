/**
 * The occupancy check of the store contract as a function over records: which booked record a new or moved
 * appointment collides with. `MemoryStore` runs it inside its atomic write; the scheduler's `availability`
 * runs the same function over the records it listed, so that what it offers is what a booking would get.
 *
 * @module
 */
import {
  type AppointmentRecord,
  type AppointmentTimes,
  holdsPeriods,
  type Occupancy,
  occupiesTime,
  type WriteResult,
} from "./appointment-store.js";
import { compareRecords } from "./user-ledger.js";

/** What an occupancy collides with: the contract's `limit-reached` or `overlap` outcome. */
export type OccupancyConflict = Extract<WriteResult, { status: "limit-reached" | "overlap" }>;

/**
 * The conflict of `times` under `occupancy` with `candidates` (records in start-then-id order, not the one
 * being moved; those that do not hold periods at `atMs` are passed over), or `undefined` when it fits: a full
 * period first (the earliest of its holders), then the earliest overlapping record that occupies its time.
 */
export function occupancyConflict(
  candidates: readonly AppointmentRecord[],
  times: AppointmentTimes,
  occupancy: Occupancy,
  atMs: number,
): OccupancyConflict | undefined {
  if (candidates.length === 0) return undefined;
  let conflicting: AppointmentRecord | undefined;
  for (const period of occupancy.periods) {
    let holders = 0;
    let earliest: AppointmentRecord | undefined;
    for (const record of candidates) {
      if (record.localStartMs < period.toMs && record.localEndMs > period.fromMs && holdsPeriods(record, atMs)) {
        holders++;
        earliest ??= record;
      }
    }
    if (holders >= occupancy.limit && earliest && (!conflicting || compareRecords(earliest, conflicting) < 0)) {
      conflicting = earliest;
    }
  }
  if (conflicting) return { status: "limit-reached", conflicting, replayed: false };
  if (!occupancy.noOverlap) return undefined;
  const overlapping = candidates.find(
    (record) => record.startMs < times.endMs && record.endMs > times.startMs && occupiesTime(record, atMs),
  );
  return overlapping ? { status: "overlap", conflicting: overlapping, replayed: false } : undefined;
}
