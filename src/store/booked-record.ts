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
  HoldChange,
  PreviousTimes,
  ResourceClaim,
  ResourceSpan,
} from "./appointment-store.js";

/**
 * The record a `book` (booked) or `hold` (held) change writes for `userId` at `atMs`, with `metadata` as the
 * store keeps it (a copy of its own: the store's, never the caller's object) and `claim` the resource claim it
 * took (for a choice, the one taken; `null` for none).
 */
export function bookedRecord(
  userId: string,
  change: BookChange | HoldChange,
  atMs: number,
  metadata: JsonObject | null,
  claim: ResourceClaim | null,
  previousTimes: AppointmentRecord["previousTimes"] = [],
): AppointmentRecord {
  const { times } = change;
  const held = change.type === "hold";
  return {
    id: change.id,
    userId,
    status: held ? "held" : "booked",
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
    resource: spanOf(claim),
    appointmentType: change.appointmentType ?? null,
    holdExpiresAtMs: held ? change.expiresAtMs : null,
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

/** `current` (a hold) confirmed at `atMs`: booked, one version more, the hold's expiry kept as history. */
export function confirmedRecord(current: AppointmentRecord, atMs: number): AppointmentRecord {
  return { ...current, status: "booked", version: current.version + 1, updatedAtMs: atMs };
}

/** `current` (a hold) released at `atMs`: released, one version more. */
export function releasedRecord(current: AppointmentRecord, atMs: number): AppointmentRecord {
  return { ...current, status: "released", version: current.version + 1, updatedAtMs: atMs };
}
