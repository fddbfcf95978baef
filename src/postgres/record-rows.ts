/**
 * Between the store's rows and the contract's records: the columns its queries select, and the records,
 * events and write outcomes built from what comes back. Every value is built anew from the driver's answer,
 * so every caller gets a copy of its own.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type {
  AppointmentRecord,
  AppointmentStatus,
  ChangeRecord,
  ChangeType,
  WriteResult,
} from "../store/appointment-store.js";
import { parsedJson, previousTimesFrom, type RecordRow, recordFromRow } from "../store/record-row.js";
import { formatFeedPosition } from "./feed-position.js";
import { instantFromMs, msNumberOf } from "./sql-time.js";

/**
 * The appointment columns of a record ({@link RecordRow}: both drivers return `float8` as numbers and `jsonb`
 * parsed), for a `SELECT` from the appointments or changes table.
 */
export const RECORD_COLUMNS = `user_id, status,
  ${msNumberOf("start_at")} AS start_ms, ${msNumberOf("end_at")} AS end_ms,
  ${msNumberOf("local_start")} AS local_start_ms, ${msNumberOf("local_end")} AS local_end_ms,
  version, ${msNumberOf("created_at")} AS created_ms, ${msNumberOf("updated_at")} AS updated_ms,
  ${msNumberOf("cancelled_at")} AS cancelled_ms, cancellation_reason, previous_times, metadata,
  resource_id, ${msNumberOf("resource_from")} AS resource_from_ms, ${msNumberOf("resource_to")} AS resource_to_ms,
  appointment_type, ${msNumberOf("hold_expires_at")} AS hold_expires_ms`;

/**
 * The type of the event of an appointment's current version, from its row `row` (an alias or a PL/pgSQL
 * row variable). The row tells, with no column of its own: `held` while held and `released` once released
 * (a hold changes only by its confirmation or release, so those are its versions 1 and 2); otherwise
 * `booked` at version 1 and `cancelled` once cancelled; `confirmed` for a booked row with a hold's expiry at
 * version 2 (a hold confirmed is version 2, and a move or cancel of it makes version 3 at least; a booking
 * made directly has no expiry); otherwise `rescheduled`. Earlier versions' events keep their type in the
 * changes table.
 */
export function currentEventType(row: string): string {
  return `CASE WHEN ${row}.status = 'held' THEN 'held' WHEN ${row}.status = 'released' THEN 'released'
    WHEN ${row}.version = 1 THEN 'booked' WHEN ${row}.status = 'cancelled' THEN 'cancelled'
    WHEN ${row}.version = 2 AND ${row}.hold_expires_at IS NOT NULL THEN 'confirmed' ELSE 'rescheduled' END`;
}

/**
 * The epoch milliseconds (`bigint`) of the times before the move that made the current version of the row
 * `row`, `field` `startMs` or `endMs`: the last entry of `previous_times`; `NULL` unless that version is a
 * move (booked, version above 1; a confirmed hold, booked at version 2, never moved, so its `previous_times`
 * is empty and its entry `NULL` too).
 */
export function currentPreviousMs(row: string, field: "startMs" | "endMs"): string {
  return `CASE WHEN ${row}.version > 1 AND ${row}.status = 'booked' THEN (${row}.previous_times -> -1 ->> '${field}')::bigint END`;
}

/** {@link currentPreviousMs} as a `timestamptz`, as the `changes` table keeps it. */
export function currentPreviousAt(row: string, field: "startMs" | "endMs"): string {
  return instantFromMs(currentPreviousMs(row, field));
}

/**
 * The feed's rows, one per event: the `changes` table's (earlier versions) and the appointments' current
 * versions, as a `UNION ALL` with the same columns, to select from as `e`. `feed_xid` (`xid8`) and
 * `feed_id` are the position; ordered and filtered on these, PostgreSQL merges the two tables' `(xid, id)`
 * indexes. With `userId` (an SQL expression), both sides hold that user's events only: a filter on each
 * table's distribution column, as Citus routes a query by.
 */
export function feedRows(changes: string, appointments: string, userId?: string): string {
  return `SELECT c.xid AS feed_xid, c.id AS feed_id, c.type, c.appointment_id AS id,
    ${msNumberOf("c.previous_start_at")} AS previous_start_ms, ${msNumberOf("c.previous_end_at")} AS previous_end_ms,
    c.idempotency_key, ${msNumberOf("c.changed_at")} AS changed_ms, ${RECORD_COLUMNS}
  FROM ${changes} AS c${userId === undefined ? "" : ` WHERE c.user_id = ${userId}`}
  UNION ALL
  SELECT a.change_xid, a.change_id, ${currentEventType("a")}, a.id,
    ${currentPreviousMs("a", "startMs")}::float8, ${currentPreviousMs("a", "endMs")}::float8,
    a.change_key, ${msNumberOf("a.updated_at")}, ${RECORD_COLUMNS}
  FROM ${appointments} AS a${userId === undefined ? "" : ` WHERE a.user_id = ${userId}`}`;
}

/** The columns of an event, selected from {@link feedRows} as `e`. */
export const EVENT_COLUMNS = `e.feed_xid::text AS xid, e.feed_id::text AS event_id, e.type, e.id,
  e.previous_start_ms, e.previous_end_ms, e.idempotency_key, e.changed_ms, e.user_id, e.status,
  e.start_ms, e.end_ms, e.local_start_ms, e.local_end_ms, e.version, e.created_ms, e.updated_ms,
  e.cancelled_ms, e.cancellation_reason, e.previous_times, e.metadata, e.resource_id, e.resource_from_ms,
  e.resource_to_ms, e.appointment_type, e.hold_expires_ms`;

/** An event's row: {@link EVENT_COLUMNS}. */
export interface EventRow extends RecordRow {
  xid: string;
  event_id: string;
  type: ChangeType;
  previous_start_ms: number | null;
  previous_end_ms: number | null;
  idempotency_key: string | null;
  changed_ms: number;
}

export function eventFromRow(row: EventRow): ChangeRecord {
  const previous =
    row.previous_start_ms === null || row.previous_end_ms === null
      ? null
      : { startMs: row.previous_start_ms, endMs: row.previous_end_ms };
  return {
    position: formatFeedPosition(row.xid, row.event_id),
    type: row.type,
    record: recordFromRow(row),
    previous,
    idempotencyKey: row.idempotency_key,
    atMs: row.changed_ms,
  };
}

/** A record as the write function writes it in its outcome (`recordJson`): the contract's field names. */
interface RecordJson {
  id: string;
  userId: string;
  status: string;
  startMs: number;
  endMs: number;
  localStartMs: number;
  localEndMs: number;
  version: number;
  createdAtMs: number;
  updatedAtMs: number;
  cancelledAtMs: number | null;
  cancellationReason: string | null;
  previousTimes: unknown;
  metadata: JsonObject | null;
  /** Both absent from outcomes kept under a key before migration step 3. */
  resource?: { resourceId: string; fromMs: number; toMs: number } | null;
  appointmentType?: string | null;
  /** Absent from outcomes kept under a key before migration step 4. */
  holdExpiresAtMs?: number | null;
}

/** The write function's outcome, fresh or replayed. */
interface OutcomeJson {
  status: string;
  record?: RecordJson;
  conflicting?: RecordJson;
  replayed?: boolean;
  /** Of a new booking's or hold's `written` without a record: the claim of a choice taken, from 1. */
  claim?: number;
}

/**
 * A `written` answer without a record: a new booking's or hold's, which the caller builds from its request,
 * with the claim it took (`claim`, from 0: the first, or none without a claim).
 */
export interface WrittenWithoutRecord {
  readonly status: "written";
  readonly record: undefined;
  readonly claim: number;
}

/**
 * The {@link WriteResult} of the write function's answer, or a {@link WrittenWithoutRecord} when the answer
 * is `written` without a record.
 */
export function resultFromOutcome(answer: unknown): WriteResult | WrittenWithoutRecord {
  const outcome = parsedJson(answer) as OutcomeJson | null;
  const replayed = outcome?.replayed === true;
  switch (outcome?.status) {
    case "written":
      return outcome.record
        ? { status: "written", record: recordFromJson(outcome.record), replayed }
        : { status: "written", record: undefined, claim: (outcome.claim ?? 1) - 1 };
    case "limit-reached":
    case "overlap":
    case "resource-full":
      return { status: outcome.status, conflicting: recordFromJson(required(outcome.conflicting)), replayed };
    case "not-booked":
    case "not-held":
    case "hold-expired":
    case "too-late":
    case "stale":
      return { status: outcome.status, record: recordFromJson(required(outcome.record)), replayed };
    case "not-found":
    case "id-taken":
      return { status: outcome.status, replayed };
    case "key-reused":
      return { status: "key-reused" };
    default:
      throw new Error(`Unexpected answer from the write function: ${JSON.stringify(outcome)}`);
  }
}

function recordFromJson(record: RecordJson): AppointmentRecord {
  return {
    id: record.id,
    userId: record.userId,
    status: STATUSES[record.status] ?? (record.status as AppointmentStatus),
    startMs: record.startMs,
    endMs: record.endMs,
    localStartMs: record.localStartMs,
    localEndMs: record.localEndMs,
    version: record.version,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
    cancelledAtMs: record.cancelledAtMs,
    cancellationReason: record.cancellationReason,
    previousTimes: previousTimesFrom(record.previousTimes),
    metadata: record.metadata,
    resource:
      record.resource === null || record.resource === undefined
        ? null
        : { resourceId: record.resource.resourceId, fromMs: record.resource.fromMs, toMs: record.resource.toMs },
    appointmentType: record.appointmentType ?? null,
    holdExpiresAtMs: record.holdExpiresAtMs ?? null,
  };
}

/** The statuses the store writes; an unknown one (a later schema's) is kept as it is, as `recordFromRow` does. */
const STATUSES: Readonly<Record<string, AppointmentStatus>> = {
  booked: "booked",
  cancelled: "cancelled",
  held: "held",
  released: "released",
};

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("The write function's answer lacks its record");
  return value;
}
