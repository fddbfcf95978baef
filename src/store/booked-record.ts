/**
 * The records a change writes, as the store contract defines them (`AppointmentStore.write`): the one
 * definition that the stores that build records in JavaScript build them from, so that they cannot disagree
 * on a field.
 *
 * @module
 */
import type { JsonObject } from "../model/json.js";
import type {
  AppointmentRecord,
  AppointmentTimes,
  BookChange,
  PreviousTimes,
  ResourceClaim,
  ResourceSpan,
} from "./appointment-store.js";

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
    resource: spanOf(change.resource),
    appointmentType: change.appointmentType ?? null,
  };
}

/** The span a record keeps of a claim: a copy of its own, without the claim's check parameters. */
export function spanOf(claim: ResourceClaim | null | undefined): ResourceSpan | null {
  return claim ? { resourceId: claim.resourceId, fromMs: claim.fromMs, toMs: claim.toMs } : null;
}

/**
 * `current` moved to `times` at `atMs`: the new times (the four fields, whatever else the object carries)
 * and the resource span of `claim` (`null` without one), the old times appended to `previousTimes`, one
 * version more.
 */
export function movedRecord(
  current: AppointmentRecord,
  times: AppointmentTimes,
  atMs: number,
  claim: ResourceClaim | null | undefined,
): AppointmentRecord {
  const moved: PreviousTimes = { startMs: current.startMs, endMs: current.endMs, movedAtMs: atMs };
  return {
    ...current,
    startMs: times.startMs,
    endMs: times.endMs,
    localStartMs: times.localStartMs,
    localEndMs: times.localEndMs,
    version: current.version + 1,
    updatedAtMs: atMs,
    previousTimes: [...current.previousTimes, moved],
    resource: spanOf(claim),
  };
}

/** `current` cancelled at `atMs` with `reason`, one version more. */
export function cancelledRecord(current: AppointmentRecord, reason: string | null, atMs: number): AppointmentRecord {
  return {
    ...current,
    status: "cancelled",
    version: current.version + 1,
    updatedAtMs: atMs,
    cancelledAtMs: atMs,
    cancellationReason: reason,
  };
}
