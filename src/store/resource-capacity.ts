/**
 * The resource capacity check of the store contract as a function over records: whether a claim on a
 * resource finds it full at some instant of the claimed span, and which record to name. Stores that check in
 * JavaScript run it inside their atomic write; the scheduler's `availability` runs the same function over
 * the records it listed, so that what it offers is what a booking would get.
 *
 * @module
 */
import { type AppointmentRecord, occupiesTime, type ResourceChoice, type ResourceClaim } from "./appointment-store.js";

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

/**
 * Whether `record` occupies the resource of `claim` at some instant of its span, judged at `atMs` (booked, or
 * held and not expired; same resource).
 */
export function occupiesClaim(record: AppointmentRecord, claim: ResourceClaim, atMs: number): boolean {
  const span = record.resource;
  return (
    occupiesTime(record, atMs) &&
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
 * status: only those of the claim's resource that occupy it at `atMs` and overlap the span count), but never
 * the one being moved. The instants to look at are the span's start and every candidate's span start within
 * it: the count only rises there.
 */
export function resourceConflict(
  candidates: readonly AppointmentRecord[],
  claim: ResourceClaim,
  atMs: number,
): AppointmentRecord | undefined {
  const occupying = candidates.filter((record) => occupiesClaim(record, claim, atMs));
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

/** The claims of a change's resource, in the order to try them: one, the choice's, or none. */
export function claimsOf(resource: ResourceClaim | ResourceChoice | null | undefined): readonly ResourceClaim[] {
  if (!resource) return [];
  return "anyOf" in resource ? resource.anyOf : [resource];
}

/** What {@link firstFreeClaim} found: the claim to take (`null` without any), or the first claim's conflict. */
export type ClaimChoice =
  | { readonly claim: ResourceClaim | null; readonly conflicting?: undefined }
  | { readonly claim?: undefined; readonly conflicting: AppointmentRecord };

/**
 * The first of `claims` whose resource can take it (each checked by {@link resourceConflict} over
 * `candidatesOf(claim)`), or, when none can, the record the first claim is refused for: the contract's rule
 * for a {@link ResourceChoice}, and for a single claim.
 */
export function firstFreeClaim(
  claims: readonly ResourceClaim[],
  candidatesOf: (claim: ResourceClaim) => readonly AppointmentRecord[],
  atMs: number,
): ClaimChoice {
  let firstConflict: AppointmentRecord | undefined;
  for (const claim of claims) {
    const conflicting = resourceConflict(candidatesOf(claim), claim, atMs);
    if (!conflicting) return { claim };
    firstConflict ??= conflicting;
  }
  return firstConflict ? { conflicting: firstConflict } : { claim: null };
}
