/**
 * A record as the SQL stores select it: one row whose columns have the same names in PostgreSQL and SQLite
 * (times as epoch or local milliseconds), and the record built anew from it, so that every caller gets a
 * copy of its own.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type { AppointmentRecord, AppointmentStatus, PreviousTimes } from "./appointment-store.js";

/**
 * A record's row. `previous_times` and `metadata` are JSON: text (SQLite, or a `jsonb` column read without
 * the driver's parser) or the value already parsed.
 */
export interface RecordRow {
  id: string;
  user_id: string;
  status: string;
  start_ms: number;
  end_ms: number;
  local_start_ms: number;
  local_end_ms: number;
  version: number;
  created_ms: number;
  updated_ms: number;
  cancelled_ms: number | null;
  cancellation_reason: string | null;
  previous_times: unknown;
  metadata: unknown;
  /** The resource span: all three `null` when the appointment occupies no resource. */
  resource_id: string | null;
  resource_from_ms: number | null;
  resource_to_ms: number | null;
  appointment_type: string | null;
  /** A hold's expiry, epoch milliseconds; `null` for a record booked directly. */
  hold_expires_ms: number | null;
}

const STATUSES: Readonly<Record<string, AppointmentStatus>> = {
  booked: "booked",
  cancelled: "cancelled",
  held: "held",
  released: "released",
};

/** The record of `row`. */
export function recordFromRow(row: RecordRow): AppointmentRecord {
  return {
    id: row.id,
    userId: row.user_id,
    // An unknown status would be a schema this code does not know: kept as it is, for the scheduler's checks.
    status: STATUSES[row.status] ?? (row.status as AppointmentStatus),
    startMs: row.start_ms,
    endMs: row.end_ms,
    localStartMs: row.local_start_ms,
    localEndMs: row.local_end_ms,
    version: row.version,
    createdAtMs: row.created_ms,
    updatedAtMs: row.updated_ms,
    cancelledAtMs: row.cancelled_ms,
    cancellationReason: row.cancellation_reason,
    previousTimes: previousTimesFrom(row.previous_times),
    metadata: (parsedJson(row.metadata) as JsonObject | null) ?? null,
    resource:
      row.resource_id === null
        ? null
        : { resourceId: row.resource_id, fromMs: Number(row.resource_from_ms), toMs: Number(row.resource_to_ms) },
    appointmentType: row.appointment_type,
    holdExpiresAtMs:
      row.hold_expires_ms === null || row.hold_expires_ms === undefined ? null : Number(row.hold_expires_ms),
  };
}

/** The history of moves kept as JSON (an array of `{ startMs, endMs, movedAtMs }`), as fresh objects. */
export function previousTimesFrom(value: unknown): PreviousTimes[] {
  // Most appointments never moved: their empty history needs no parse.
  if (value === "[]") return [];
  const entries = parsedJson(value);
  if (!Array.isArray(entries)) return [];
  return entries.map((entry: PreviousTimes) => ({
    startMs: entry.startMs,
    endMs: entry.endMs,
    movedAtMs: entry.movedAtMs,
  }));
}

/** A JSON value as a driver gave it: parsed already, or text to parse. */
export function parsedJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
