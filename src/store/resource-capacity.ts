/**
 * The resource capacity check of the store contract as a function over records: whether a claim on a
 * resource finds it full at some instant of the claimed span, and which record to name. Stores that check in
 * JavaScript run it inside their atomic write; the scheduler's `availability` runs the same function over
 * the records it listed, so that what it offers is what a booking would get.
 *
 * @module
 */
import type { AppointmentRecord, ResourceClaim } from "./appointment-store.js";

/**
 * The contract's order of a resource's records: span start, then user id, then id (code units). Negative
 * when `a` comes first.
 */
export function compareResourceRecords(a: AppointmentRecord, b: AppointmentRecord): number {
  const aFrom = a.resource?.fromMs ?? 0;
  const bFrom = b.resource?.fromMs ?? 0;
  if (aFrom !== bFrom) return aFrom < bFrom ? -1 : 1;
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Whether `record` occupies the resource of `claim` at some instant of its span (booked, same resource). */
export function occupiesClaim(record: AppointmentRecord, claim: ResourceClaim): boolean {
  const span = record.resource;
  return (
    record.status === "booked" &&
    span !== null &&
    span.resourceId === claim.resourceId &&
    span.fromMs < claim.toMs &&
    span.toMs > claim.fromMs
  );
}

/**
 * The record a claim is refused for, or `undefined` when the resource can take it: at the first instant of
 * the claimed span at which `claim.capacity` of `candidates` already occupy the resource, the earliest of
 * those (see {@link compareResourceRecords}). `candidates` may hold any records (of any resource, user and
 * status: only booked records of the claim's resource that overlap the span count), but never the one being
 * moved. The instants to look at are the span's start and every candidate's span start within it: the count
 * only rises there.
 */
export function resourceConflict(
  candidates: readonly AppointmentRecord[],
  claim: ResourceClaim,
): AppointmentRecord | undefined {
  const occupying = candidates.filter((record) => occupiesClaim(record, claim));
  if (occupying.length < claim.capacity) return undefined;
  const instants = [claim.fromMs];
  for (const record of occupying) {
    const from = (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs;
    if (from > claim.fromMs) instants.push(from);
  }
  instants.sort((a, b) => a - b);
  for (const instant of instants) {
    const atInstant = occupying.filter((record) => {
      const span = record.resource as NonNullable<AppointmentRecord["resource"]>;
      return span.fromMs <= instant && span.toMs > instant;
    });
    if (atInstant.length >= claim.capacity) return atInstant.sort(compareResourceRecords)[0];
  }
  return undefined;
}
