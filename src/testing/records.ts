/**
 * Small builders and comparisons for store records, shared by the kit's cases.
 *
 * @module
 */
import type { AppointmentRecord } from "../store/appointment-store.js";

/** A 30-minute record from `startMs`, holding `periods`. */
export function recordAt(userId: string, id: string, startMs: number, periods: readonly string[]): AppointmentRecord {
  return { id, userId, startMs, endMs: startMs + 30 * 60_000, periods: [...periods] };
}

/** A plain copy, for deep equality with what a store returns (which may be frozen or a class instance). */
export function plain(record: AppointmentRecord): AppointmentRecord {
  return {
    id: record.id,
    userId: record.userId,
    startMs: record.startMs,
    endMs: record.endMs,
    periods: [...record.periods],
  };
}

/** The contract's order: by `startMs`, then by `id`. */
export function byStartThenId(a: AppointmentRecord, b: AppointmentRecord): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
