/**
 * Plain copies of what a store returns, for deep equality with what the contract says it must return, and the
 * contract's order of records.
 *
 * A store may return class instances, frozen objects, objects without a prototype (metadata parsed by a
 * driver) or extra fields; the contract speaks only of its fields and their values. So the kit compares
 * plain copies of exactly those fields, which also makes a failure's diff readable.
 *
 * @module
 */
import type { JsonValue } from "../model/json.js";
import type { AppointmentRecord, ChangeRecord, WriteResult } from "../store/appointment-store.js";

/** A plain copy of a record's contract fields. */
export function plainRecord(record: AppointmentRecord): AppointmentRecord {
  return {
    id: record.id,
    userId: record.userId,
    status: record.status,
    version: record.version,
    startMs: record.startMs,
    endMs: record.endMs,
    localStartMs: record.localStartMs,
    localEndMs: record.localEndMs,
    createdAtMs: record.createdAtMs,
    updatedAtMs: record.updatedAtMs,
    cancelledAtMs: record.cancelledAtMs,
    cancellationReason: record.cancellationReason,
    previousTimes: Array.isArray(record.previousTimes)
      ? record.previousTimes.map(({ startMs, endMs, movedAtMs }) => ({ startMs, endMs, movedAtMs }))
      : record.previousTimes,
    metadata: record.metadata === null ? null : (plainJson(record.metadata) as AppointmentRecord["metadata"]),
    resource: plainSpan(record.resource),
    appointmentType: record.appointmentType,
    holdExpiresAtMs: record.holdExpiresAtMs,
  };
}

/** A plain copy of a resource span's contract fields; anything but an object (`null`, a missing field) as it is. */
function plainSpan(span: AppointmentRecord["resource"]): AppointmentRecord["resource"] {
  if (typeof span !== "object" || span === null) return span;
  return { resourceId: span.resourceId, fromMs: span.fromMs, toMs: span.toMs };
}

/**
 * A plain copy of a JSON value: arrays and objects rebuilt as ordinary ones (whatever their prototype), every
 * other value as it is, so that `undefined`, a `Date` or a `-0` still differs from what was given.
 */
function plainJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(plainJson);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, plainJson(child as JsonValue)]));
  }
  return value;
}

/** A plain copy of a write's outcome: its status, `replayed`, and its records. */
export function plainResult(result: WriteResult): WriteResult {
  switch (result.status) {
    case "written":
    case "not-booked":
    case "too-late":
    case "stale":
      return { status: result.status, record: plainRecord(result.record), replayed: result.replayed } as WriteResult;
    case "limit-reached":
    case "overlap":
    case "resource-full":
      return { status: result.status, conflicting: plainRecord(result.conflicting), replayed: result.replayed };
    case "not-found":
    case "id-taken":
      return { status: result.status, replayed: result.replayed };
    case "key-reused":
      return { status: result.status };
    default:
      // Not an outcome of the contract: kept whole, so that the assertion shows it.
      return result;
  }
}

/** An event as the contract defines it, without its position (which only the store can tell). */
export type ChangeFacts = Omit<ChangeRecord, "position">;

/** A plain copy of an event's contract fields, without its position. */
export function plainChange(change: ChangeRecord): ChangeFacts {
  return {
    type: change.type,
    record: plainRecord(change.record),
    previous: change.previous === null ? null : { startMs: change.previous.startMs, endMs: change.previous.endMs },
    idempotencyKey: change.idempotencyKey,
    atMs: change.atMs,
  };
}

/** The contract's order of records: by `startMs`, then by `id` in code-unit order (not a locale's). */
export function byStartThenId(
  a: Pick<AppointmentRecord, "startMs" | "id">,
  b: Pick<AppointmentRecord, "startMs" | "id">,
): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
