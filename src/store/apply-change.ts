/**
 * Steps 2 to 4 of {@link AppointmentStore.write} on one user's records in memory: the state check, the
 * occupancy check and the change itself. No rules: it compares the numbers the scheduler sent.
 *
 * @module
 */
import type {
  AppointmentRecord,
  AppointmentTimes,
  ChangeRecord,
  Occupancy,
  WriteRequest,
  WriteResult,
} from "./appointment-store.js";
import { bookedRecord, cancelledRecord, movedRecord } from "./booked-record.js";
import type { ChangeFeed, KeptEvent } from "./change-feed.js";
import { occupancyConflict } from "./occupancy.js";
import type { UserLedger } from "./user-ledger.js";

const NO_PREVIOUS_TIMES: AppointmentRecord["previousTimes"] = Object.freeze([]);

/**
 * Applies `request.change` to `ledger` (the user's records) if its checks pass, appending its event to
 * `feed` when it does, and answers the outcome.
 */
export function applyChange(ledger: UserLedger, request: WriteRequest, feed: ChangeFeed): WriteResult {
  const { change, atMs } = request;
  if (change.type === "book") {
    if (ledger.byId(change.id)) return { status: "id-taken", replayed: false };
    const refused = occupancyRefusal(ledger, change.times, change.occupancy, undefined);
    if (refused) return refused;
    const metadata = change.metadata === null ? null : deepFrozenCopy(change.metadata);
    const record = Object.freeze(bookedRecord(request.userId, change, atMs, metadata, NO_PREVIOUS_TIMES));
    ledger.add(record);
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
    const refused = occupancyRefusal(ledger, change.times, change.occupancy, current);
    if (refused) return refused;
    const previous = { startMs: current.startMs, endMs: current.endMs };
    const moved = movedRecord(current, change.times, atMs);
    Object.freeze(moved.previousTimes.at(-1));
    const record = Object.freeze({ ...moved, previousTimes: Object.freeze(moved.previousTimes) });
    ledger.replace(current, record);
    feed.append(eventOf(record, "rescheduled", previous, request), request.changeExpiresAtMs);
    return { status: "written", record, replayed: false };
  }

  const record = Object.freeze(cancelledRecord(current, change.reason, atMs));
  ledger.replace(current, record);
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
