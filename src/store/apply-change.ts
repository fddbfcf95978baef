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
import { bookedRecord, cancelledRecord, confirmedRecord, movedRecord, releasedRecord } from "./booked-record.js";
import type { ChangeFeed, KeptEvent } from "./change-feed.js";
import { occupancyConflict } from "./occupancy.js";
import { claimsOf, firstFreeClaim, resourceConflict } from "./resource-capacity.js";
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
  if (change.type === "book" || change.type === "hold") {
    if (ledger.byId(change.id)) return { status: "id-taken", replayed: false };
    const refused = occupancyRefusal(ledger, change.times, change.occupancy, undefined, atMs);
    if (refused) return refused;
    const choice = firstFreeClaim(claimsOf(change.resource), (claim) => resourceCandidates(resources, claim), atMs);
    if (choice.conflicting) return { status: "resource-full", conflicting: choice.conflicting, replayed: false };
    const metadata = change.metadata === null ? null : deepFrozenCopy(change.metadata);
    const record = Object.freeze(
      withFrozenSpan(bookedRecord(request.userId, change, atMs, metadata, choice.claim, NO_PREVIOUS_TIMES)),
    );
    ledger.add(record);
    resources.add(record);
    // Without a key, a booked record stands for its own event (see ChangeFeed).
    if (change.type === "book" && request.idempotency === undefined) feed.append(record, request.changeExpiresAtMs);
    else feed.append(eventOf(record, EVENT_TYPES[change.type], null, request), request.changeExpiresAtMs);
    return { status: "written", record, replayed: false };
  }

  const current = ledger.byId(change.id);
  if (!current) return { status: "not-found", replayed: false };
  if (change.type === "confirm" || change.type === "release") {
    if (current.status !== "held") return { status: "not-held", record: current, replayed: false };
    if (change.type === "confirm" && (current.holdExpiresAtMs ?? Number.NEGATIVE_INFINITY) <= atMs) {
      return { status: "hold-expired", record: current, replayed: false };
    }
    const changed = change.type === "confirm" ? confirmedRecord(current, atMs) : releasedRecord(current, atMs);
    return replaced(ledger, resources, current, Object.freeze(changed), null, request, feed);
  }
  if (current.status !== "booked") return { status: "not-booked", record: current, replayed: false };
  if (change.earliestStartMs !== null && current.startMs < change.earliestStartMs) {
    return { status: "too-late", record: current, replayed: false };
  }

  if (change.type === "move") {
    // After the state checks, as the contract orders them: a stale move of a cancelled record is `not-booked`.
    if (change.expectedVersion != null && change.expectedVersion !== current.version) {
      return { status: "stale", record: current, replayed: false };
    }
    const refused = occupancyRefusal(ledger, change.times, change.occupancy, current, atMs);
    if (refused) return refused;
    const claim = change.resource ?? null;
    const conflicting = claim && resourceConflict(resourceCandidates(resources, claim, current), claim, atMs);
    if (conflicting) return { status: "resource-full", conflicting, replayed: false };
    const previous = { startMs: current.startMs, endMs: current.endMs };
    const moved = movedRecord(current, change.times, atMs, claim);
    Object.freeze(moved.previousTimes.at(-1));
    const record = Object.freeze(withFrozenSpan({ ...moved, previousTimes: Object.freeze(moved.previousTimes) }));
    return replaced(ledger, resources, current, record, previous, request, feed);
  }

  return replaced(
    ledger,
    resources,
    current,
    Object.freeze(cancelledRecord(current, change.reason, atMs)),
    null,
    request,
    feed,
  );
}

/** The event type of each change. */
const EVENT_TYPES = {
  book: "booked",
  hold: "held",
  move: "rescheduled",
  cancel: "cancelled",
  confirm: "confirmed",
  release: "released",
} as const satisfies Record<WriteRequest["change"]["type"], ChangeRecord["type"]>;

/**
 * Puts `record` (the changed `current`) in its place in both indexes, where a record that no longer occupies
 * its resource (cancelled, released) leaves the resource's index, and appends the change's event.
 */
function replaced(
  ledger: UserLedger,
  resources: ResourceLedger,
  current: AppointmentRecord,
  record: AppointmentRecord,
  previous: ChangeRecord["previous"],
  request: WriteRequest,
  feed: ChangeFeed,
): WriteResult {
  ledger.replace(current, record);
  resources.replace(current, record);
  feed.append(eventOf(record, EVENT_TYPES[request.change.type], previous, request), request.changeExpiresAtMs);
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

/** The refusal of an occupancy at `atMs`, or `undefined`; `moving` never conflicts with its own move. */
function occupancyRefusal(
  ledger: UserLedger,
  times: AppointmentTimes,
  occupancy: Occupancy,
  moving: AppointmentRecord | undefined,
  atMs: number,
): WriteResult | undefined {
  const candidates = ledger.holdingStartingWithin(occupancy.candidatesStartWithin);
  const others = moving ? candidates.filter((record) => record !== moving) : candidates;
  return occupancyConflict(others, times, occupancy, atMs);
}

/**
 * The records a claim is checked against: the resource's records whose spans overlap the claimed one, found
 * through the store's own index rather than the claim's `candidatesStartWithin` (as cheap, and it holds
 * whatever window the caller computed), never `moving` (a move does not conflict with itself).
 */
function resourceCandidates(
  resources: ResourceLedger,
  claim: ResourceClaim,
  moving?: AppointmentRecord,
): readonly AppointmentRecord[] {
  const candidates = resources.list(claim.resourceId, { fromMs: claim.fromMs, toMs: claim.toMs });
  return moving ? candidates.filter((record) => record !== moving) : candidates;
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
