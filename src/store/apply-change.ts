/**
 * Steps 2 to 4 of {@link AppointmentStore.write} on one user's records in memory: the state check, the
 * occupancy check, the resource capacity check and the change itself. No rules: it compares the numbers the
 * scheduler sent.
 *
 * @module
 */
import type {
  AppointmentRecord,
  AppointmentTimes,
  ChangeRecord,
  Occupancy,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "./appointment-store.js";
import { bookedRecord, cancelledRecord, movedRecord } from "./booked-record.js";
import type { ChangeFeed, KeptEvent } from "./change-feed.js";
import { occupancyConflict } from "./occupancy.js";
import { resourceConflict } from "./resource-capacity.js";
import type { ResourceLedger } from "./resource-ledger.js";
import type { UserLedger } from "./user-ledger.js";

const NO_PREVIOUS_TIMES: AppointmentRecord["previousTimes"] = Object.freeze([]);

/**
 * Applies `request.change` to `ledger` (the user's records) and `resources` (every user's records by
 * resource) if its checks pass, appending its event to `feed` when it does, and answers the outcome.
 */
export function applyChange(
  ledger: UserLedger,
  resources: ResourceLedger,
  request: WriteRequest,
  feed: ChangeFeed,
): WriteResult {
  const { change, atMs } = request;
  if (change.type === "book") {
    if (ledger.byId(change.id)) return { status: "id-taken", replayed: false };
    const refused =
      occupancyRefusal(ledger, change.times, change.occupancy, undefined) ??
      resourceRefusal(resources, change.resource, undefined);
    if (refused) return refused;
    const metadata = change.metadata === null ? null : deepFrozenCopy(change.metadata);
    const record = Object.freeze(
      withFrozenSpan(bookedRecord(request.userId, change, atMs, metadata, NO_PREVIOUS_TIMES)),
    );
    ledger.add(record);
    resources.add(record);
    // Without a key, the record stands for its own event (see ChangeFeed).
    if (request.idempotency === undefined) feed.append(record, request.changeExpiresAtMs);
    else feed.append(eventOf(record, "booked", null, request), request.changeExpiresAtMs);
    return { status: "written", record, replayed: false };
  }

  const current = ledger.byId(change.id);
  if (!current) return { status: "not-found", replayed: false };
  if (current.status !== "booked") return { status: "not-booked", record: current, replayed: false };
  if (change.earliestStartMs !== null && current.startMs < change.earliestStartMs) {
    return { status: "too-late", record: current, replayed: false };
  }

  if (change.type === "move") {
    // After the state checks, as the contract orders them: a stale move of a cancelled record is `not-booked`.
    if (change.expectedVersion != null && change.expectedVersion !== current.version) {
      return { status: "stale", record: current, replayed: false };
    }
    const refused =
      occupancyRefusal(ledger, change.times, change.occupancy, current) ??
      resourceRefusal(resources, change.resource, current);
    if (refused) return refused;
    const previous = { startMs: current.startMs, endMs: current.endMs };
    const moved = movedRecord(current, change.times, atMs, change.resource);
    Object.freeze(moved.previousTimes.at(-1));
    const record = Object.freeze(withFrozenSpan({ ...moved, previousTimes: Object.freeze(moved.previousTimes) }));
    ledger.replace(current, record);
    resources.replace(current, record);
    feed.append(eventOf(record, "rescheduled", previous, request), request.changeExpiresAtMs);
    return { status: "written", record, replayed: false };
  }

  const record = Object.freeze(cancelledRecord(current, change.reason, atMs));
  ledger.replace(current, record);
  // A cancelled record no longer occupies its resource: this takes it out of the resource's index.
  resources.replace(current, record);
  feed.append(eventOf(record, "cancelled", null, request), request.changeExpiresAtMs);
  return { status: "written", record, replayed: false };
}

function eventOf(
  record: AppointmentRecord,
  type: ChangeRecord["type"],
  previous: ChangeRecord["previous"],
  request: WriteRequest,
): KeptEvent {
  return { type, record, previous, idempotencyKey: request.idempotency?.key ?? null, atMs: request.atMs };
}

/** The refusal of an occupancy, or `undefined`; `moving` never conflicts with its own move. */
function occupancyRefusal(
  ledger: UserLedger,
  times: AppointmentTimes,
  occupancy: Occupancy,
  moving: AppointmentRecord | undefined,
): WriteResult | undefined {
  const candidates = ledger.holdingStartingWithin(occupancy.candidatesStartWithin);
  return occupancyConflict(moving ? candidates.filter((record) => record !== moving) : candidates, times, occupancy);
}

/**
 * The refusal of a resource claim, or `undefined` (also without a claim); `moving` never conflicts with its
 * own move. The candidates are the resource's booked records whose spans overlap the claimed one, found
 * through the store's own index rather than the claim's `candidatesStartWithin`: as cheap, and it holds
 * whatever window the caller computed.
 */
function resourceRefusal(
  resources: ResourceLedger,
  claim: ResourceClaim | null | undefined,
  moving: AppointmentRecord | undefined,
): WriteResult | undefined {
  if (!claim) return undefined;
  const candidates = resources.list(claim.resourceId, { fromMs: claim.fromMs, toMs: claim.toMs });
  const conflicting = resourceConflict(moving ? candidates.filter((record) => record !== moving) : candidates, claim);
  return conflicting ? { status: "resource-full", conflicting, replayed: false } : undefined;
}

/**
 * `record` with its resource span frozen too (the record itself is frozen by the caller): the resource index
 * sorts by the span, so no reader may change it under the index.
 */
function withFrozenSpan(record: AppointmentRecord): AppointmentRecord {
  if (record.resource !== null) Object.freeze(record.resource);
  return record;
}

/** A copy of a JSON value that no one can change: not the caller afterwards, not a reader of the store. */
function deepFrozenCopy<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  for (const [key, item] of Object.entries(value)) {
    // Defined, not assigned: a key named `__proto__` is data in JSON, not the object's prototype.
    Object.defineProperty(copy, key, {
      value: deepFrozenCopy(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.freeze(copy) as T;
}
