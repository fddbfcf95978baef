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
  ChangeRecord,
  ChangeType,
  PreviousTimes,
  WriteResult,
} from "../store/appointment-store.js";
import { formatFeedPosition } from "./feed-position.js";
import { msNumberOf } from "./sql-time.js";

/** The appointment columns of a record, for a `SELECT` from the appointments or changes table. */
export const RECORD_COLUMNS = `user_id, status,
  ${msNumberOf("start_at")} AS start_ms, ${msNumberOf("end_at")} AS end_ms,
  ${msNumberOf("local_start")} AS local_start_ms, ${msNumberOf("local_end")} AS local_end_ms,
  version, ${msNumberOf("created_at")} AS created_ms, ${msNumberOf("updated_at")} AS updated_ms,
  ${msNumberOf("cancelled_at")} AS cancelled_ms, cancellation_reason, previous_times, metadata`;

/** A record's row, as both drivers return {@link RECORD_COLUMNS} (`float8` as numbers, `jsonb` parsed). */
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
}

/** The columns of an event besides its record's. */
export const EVENT_COLUMNS = `xid::text AS xid, id::text AS event_id, type, appointment_id AS id,
  ${msNumberOf("previous_start_at")} AS previous_start_ms, ${msNumberOf("previous_end_at")} AS previous_end_ms,
  idempotency_key, ${msNumberOf("changed_at")} AS changed_ms`;

/** An event's row: {@link EVENT_COLUMNS} and {@link RECORD_COLUMNS}. */
export interface EventRow extends RecordRow {
  xid: string;
  event_id: string;
  type: ChangeType;
  previous_start_ms: number | null;
  previous_end_ms: number | null;
  idempotency_key: string | null;
  changed_ms: number;
}

export function recordFromRow(row: RecordRow): AppointmentRecord {
  return {
    id: row.id,
    userId: row.user_id,
    status: row.status === "cancelled" ? "cancelled" : "booked",
    startMs: row.start_ms,
    endMs: row.end_ms,
    localStartMs: row.local_start_ms,
    localEndMs: row.local_end_ms,
    version: row.version,
    createdAtMs: row.created_ms,
    updatedAtMs: row.updated_ms,
    cancelledAtMs: row.cancelled_ms,
    cancellationReason: row.cancellation_reason,
    previousTimes: previousTimesFrom(json(row.previous_times)),
    metadata: (json(row.metadata) as JsonObject | null) ?? null,
  };
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
}

/** The write function's outcome, fresh or replayed. */
interface OutcomeJson {
  status: string;
  record?: RecordJson;
  conflicting?: RecordJson;
  replayed?: boolean;
}

/**
 * The {@link WriteResult} of the write function's answer, or `undefined` when the answer is `written`
 * without a record (a new booking's, which the caller builds from its request).
 */
export function resultFromOutcome(answer: unknown): WriteResult | { status: "written"; record: undefined } {
  const outcome = json(answer) as OutcomeJson | null;
  const replayed = outcome?.replayed === true;
  switch (outcome?.status) {
    case "written":
      return outcome.record
        ? { status: "written", record: recordFromJson(outcome.record), replayed }
        : { status: "written", record: undefined };
    case "limit-reached":
    case "overlap":
      return { status: outcome.status, conflicting: recordFromJson(required(outcome.conflicting)), replayed };
    case "not-booked":
      return { status: "not-booked", record: recordFromJson(required(outcome.record)), replayed };
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
    status: record.status === "cancelled" ? "cancelled" : "booked",
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
  };
}

function previousTimesFrom(value: unknown): PreviousTimes[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: { startMs: number; endMs: number; movedAtMs: number }) => ({
    startMs: entry.startMs,
    endMs: entry.endMs,
    movedAtMs: entry.movedAtMs,
  }));
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("The write function's answer lacks its record");
  return value;
}

/** A `jsonb` value as the driver gave it: parsed by default, a string when the application's parsers say so. */
function json(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
