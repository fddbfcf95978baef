/**
 * Between the SQLite store's rows and the contract's records: the columns its queries select, and the
 * records, events and kept outcomes built from what comes back. Every value is built anew from the driver's
 * row, so every caller gets a copy of its own.
 *
 * @module
 */
import type { AppointmentRecord, ChangeRecord, ChangeType, WriteResult } from "../store/appointment-store.js";
import { type RecordRow, recordFromRow } from "../store/record-row.js";
import { formatFeedPosition } from "./feed-position.js";

/** The columns of a record ({@link RecordRow}), for a `SELECT` from the appointments table. */
export const RECORD_COLUMNS = `id, user_id, status, start_ms, end_ms, local_start_ms, local_end_ms, version,
  created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata, resource_id, resource_from_ms,
  resource_to_ms, appointment_type, hold_expires_ms`;

/**
 * An event's row: the record's columns, and the event's own. `type`, `previous_start_ms` and
 * `previous_end_ms` are `NULL` for the event of an appointment's current version, which follow from its row.
 */
export interface EventRow extends RecordRow {
  position: number;
  type: ChangeType | null;
  previous_start_ms: number | null;
  previous_end_ms: number | null;
  idempotency_key: string | null;
  changed_ms: number;
}

/** The columns of {@link EventRow} from the changes table (an archived event). */
export const ARCHIVED_EVENT_COLUMNS = `id AS position, type, appointment_id AS id, user_id, status, start_ms, end_ms,
  local_start_ms, local_end_ms, version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times,
  metadata, resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms, previous_start_ms,
  previous_end_ms, idempotency_key, changed_ms`;

/** The columns of {@link EventRow} from the appointments table (the event of the current version). */
export const CURRENT_EVENT_COLUMNS = `change_id AS position, NULL AS type, id, user_id, status, start_ms, end_ms,
  local_start_ms, local_end_ms, version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times,
  metadata, resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms,
  NULL AS previous_start_ms, NULL AS previous_end_ms, change_key AS idempotency_key, updated_ms AS changed_ms`;

/**
 * The type of the event of an appointment's current version, which follows from its row, since only these
 * changes lead to each state: `held` or `booked` at version 1 (a hold or a booking inserted it), `cancelled`
 * and `released` by status, `confirmed` for a booked row at version 2 that was a hold (a hold is never moved
 * nor cancelled, so a confirm is its only change to `booked`, and always its version 2), otherwise
 * `rescheduled`.
 */
export function currentEventType(row: { version: number; status: string; hold_expires_ms: number | null }): ChangeType {
  if (row.version === 1) return row.status === "held" ? "held" : "booked";
  if (row.status === "cancelled") return "cancelled";
  if (row.status === "released") return "released";
  return row.version === 2 && row.hold_expires_ms !== null ? "confirmed" : "rescheduled";
}

export function eventFromRow(row: EventRow): ChangeRecord {
  const record = recordFromRow(row);
  let type = row.type;
  let previous: ChangeRecord["previous"] = null;
  if (type === null) {
    // The current version's event: a move's previous times are the last entry of the history.
    type = currentEventType(row);
    const last = record.previousTimes.at(-1);
    if (type === "rescheduled" && last) previous = { startMs: last.startMs, endMs: last.endMs };
  } else if (row.previous_start_ms !== null && row.previous_end_ms !== null) {
    previous = { startMs: row.previous_start_ms, endMs: row.previous_end_ms };
  }
  return {
    position: formatFeedPosition(row.position),
    type,
    record,
    previous,
    idempotencyKey: row.idempotency_key,
    atMs: row.changed_ms,
  };
}

/** The outcome kept under an idempotency key: the result without `replayed`, as JSON. */
export function keptOutcome(result: WriteResult): string {
  const { replayed: _replayed, ...outcome } = result as WriteResult & { replayed?: boolean };
  return JSON.stringify(outcome);
}

/**
 * The result a retry with the same key gets: the kept outcome, replayed. An outcome kept before the schema
 * had resources (migration step 2) has records without `resource` and `appointmentType`, and one kept before
 * holds (step 3) without `holdExpiresAtMs`: they are `null`, as its rows' columns are.
 */
export function replayedOutcome(kept: string): WriteResult {
  const outcome = JSON.parse(kept) as WriteResult;
  if (outcome.status === "key-reused") return outcome;
  if ("record" in outcome) withResourceFields(outcome.record);
  if ("conflicting" in outcome) withResourceFields(outcome.conflicting);
  return { ...outcome, replayed: true };
}

function withResourceFields(record: AppointmentRecord): void {
  const parsed = record as { resource?: unknown; appointmentType?: unknown; holdExpiresAtMs?: unknown };
  parsed.resource ??= null;
  parsed.appointmentType ??= null;
  parsed.holdExpiresAtMs ??= null;
}
