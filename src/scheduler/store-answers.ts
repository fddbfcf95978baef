/**
 * Checking what a store answers before anything is built from it. A store is the caller's code (or the
 * caller's database), and one that answers outside its contract (a record with a time that is not an
 * integer number of milliseconds, a record of another user, a status no one knows, a list that is no array)
 * must fail as a typed error, not as a `TypeError` or `RangeError` from deep inside `Temporal`.
 *
 * The checks run on every answer, so they are kept to a few `typeof` and range tests per record, and
 * allocate nothing when the answer is good: a fault is described by a constant string. What they check is
 * what the scheduler relies on (types, the ranges `Temporal` can hold, the user, the id, the status asked
 * for); not what only a store can know (that a list is sorted, that a record is current).
 *
 * A bad answer to a read is `STORE_UNAVAILABLE` (nothing was written, and the store failed). A bad answer
 * to a write is `OUTCOME_UNKNOWN`: the store claimed an outcome, but an answer outside the contract cannot be
 * trusted to be that outcome, so whether the write committed is unknown; a retry with the same idempotency
 * key settles it (see `write-outcome.ts`).
 *
 * @module
 */
import { StoreUnavailableError } from "../errors/scheduler-errors.js";
import {
  type AppointmentRecord,
  type ChangeRecord,
  canHoldPeriods,
  type RecordQuery,
  type ResourceChoice,
  type ResourceClaim,
  type WriteRequest,
  type WriteResult,
} from "../store/appointment-store.js";

/** The farthest a time may be from 1970 in either direction, in milliseconds: `Temporal`'s range, 10^8 days. */
const MAX_MS = 8.64e15;

/** The longest feed position: the longest `after` the scheduler takes back. */
const MAX_POSITION_LENGTH = 255;

/** An integer number of milliseconds that `Temporal` can hold. */
function isMs(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= -MAX_MS && (value as number) <= MAX_MS;
}

/**
 * What is wrong with `value` as a record of `userId` (any non-empty user id when `undefined`), or
 * `undefined` when nothing is. May throw when `value` cannot be read (a getter that throws, a revoked
 * `Proxy`): the callers below catch it.
 */
function recordFault(value: unknown, userId: string | undefined): string | undefined {
  if (typeof value !== "object" || value === null) return "a record that is not an object";
  const record = value as { readonly [K in keyof AppointmentRecord]: unknown };
  const { id, status, cancelledAtMs, previousTimes, metadata } = record;
  if (typeof id !== "string" || id.length === 0) return "a record without an id";
  if (userId === undefined) {
    if (typeof record.userId !== "string" || record.userId.length === 0) return "a record without a user id";
  } else if (record.userId !== userId) {
    return "a record of another user";
  }
  if (status !== "booked" && status !== "cancelled" && status !== "held" && status !== "released") {
    return "a record of an unknown status";
  }
  if (!isMs(record.startMs) || !isMs(record.endMs) || (record.endMs as number) <= (record.startMs as number)) {
    return "a record whose startMs and endMs are not a range of integer milliseconds";
  }
  if (!isMs(record.localStartMs) || !isMs(record.localEndMs)) {
    return "a record whose local times are not integer milliseconds";
  }
  if (!Number.isSafeInteger(record.version) || (record.version as number) < 1) {
    return "a record whose version is not a positive integer";
  }
  if (!isMs(record.createdAtMs) || !isMs(record.updatedAtMs)) {
    return "a record whose createdAtMs or updatedAtMs is not integer milliseconds";
  }
  if (status === "cancelled" ? !isMs(cancelledAtMs) : cancelledAtMs !== null) {
    return "a record whose cancelledAtMs does not match its status";
  }
  // A store written before holds may leave `holdExpiresAtMs` out: never held. A held record needs one.
  if (
    status === "held" || status === "released"
      ? !isMs(record.holdExpiresAtMs)
      : !(record.holdExpiresAtMs == null || isMs(record.holdExpiresAtMs))
  ) {
    return "a record whose holdExpiresAtMs does not match its status";
  }
  if (record.cancellationReason !== null && typeof record.cancellationReason !== "string") {
    return "a record whose cancellationReason is neither a string nor null";
  }
  if (record.appointmentType != null && typeof record.appointmentType !== "string") {
    return "a record whose appointmentType is neither a string nor null";
  }
  // A store written before resources may leave `resource` out: no resource.
  if (record.resource != null) {
    const resourceId = (record.resource as { resourceId?: unknown }).resourceId;
    if (typeof resourceId !== "string") return "a record whose resource has no resourceId";
    const fault = resourceFault(value as AppointmentRecord, resourceId);
    if (fault) return fault;
  }
  if (!Array.isArray(previousTimes)) return "a record whose previousTimes is not an array";
  for (let i = 0; i < previousTimes.length; i++) {
    const previous: unknown = previousTimes[i];
    if (typeof previous !== "object" || previous === null) return "a record with previous times that are not objects";
    const { startMs, endMs, movedAtMs } = previous as { startMs?: unknown; endMs?: unknown; movedAtMs?: unknown };
    if (!isMs(startMs) || !isMs(endMs) || !isMs(movedAtMs)) {
      return "a record with previous times that are not integer milliseconds";
    }
  }
  if (metadata !== null && (typeof metadata !== "object" || Array.isArray(metadata))) {
    return "a record whose metadata is neither an object nor null";
  }
  return undefined;
}

/** What is wrong with `value` as an event of the feed (of `userId` only, when given), or `undefined`. */
function eventFault(value: unknown, userId: string | undefined): string | undefined {
  if (typeof value !== "object" || value === null) return "an event that is not an object";
  const event = value as { readonly [K in keyof ChangeRecord]: unknown };
  const { position, type, previous } = event;
  if (typeof position !== "string" || position.length === 0 || position.length > MAX_POSITION_LENGTH) {
    return "an event whose position is not a string of 1 to 255 characters";
  }
  if (!EVENT_TYPES.has(type as ChangeRecord["type"])) return "an event of an unknown type";
  if (previous !== null) {
    if (typeof previous !== "object") return "an event whose previous is neither an object nor null";
    const { startMs, endMs } = previous as { startMs?: unknown; endMs?: unknown };
    if (!isMs(startMs) || !isMs(endMs)) return "an event whose previous times are not integer milliseconds";
  }
  if (event.idempotencyKey !== null && typeof event.idempotencyKey !== "string") {
    return "an event whose idempotencyKey is neither a string nor null";
  }
  if (!isMs(event.atMs)) return "an event whose atMs is not integer milliseconds";
  return recordFault(event.record, userId);
}

const EVENT_TYPES: ReadonlySet<ChangeRecord["type"]> = new Set([
  "booked",
  "rescheduled",
  "cancelled",
  "held",
  "confirmed",
  "released",
]);

const UNREADABLE = "an answer that could not be read";

/** A read's answer outside the contract: the store failed. */
/**
 * Throws {@link StoreUnavailableError} when `findFault` names a fault, or cannot read the answer at all (a
 * getter that throws, a revoked Proxy): a read's answer that the scheduler cannot use.
 */
function throwIfFaulty(findFault: () => string | undefined): void {
  let fault: string | undefined;
  try {
    fault = findFault();
  } catch (cause) {
    throw unavailable(UNREADABLE, cause);
  }
  if (fault !== undefined) throw unavailable(fault);
}

function unavailable(fault: string, cause?: unknown): StoreUnavailableError {
  return new StoreUnavailableError(
    `The appointment store answered outside its contract: ${fault}`,
    cause === undefined ? undefined : { cause },
  );
}

/** What a list may hold: a user's list's statuses, or `"resource"` (booked and held, any user's). */
type ListStatus = RecordQuery["status"] | "resource";

function recordsFault(records: unknown, userId: string | undefined, status: ListStatus): string | undefined {
  if (!Array.isArray(records)) return "a list that is not an array";
  for (let i = 0; i < records.length; i++) {
    const record: unknown = records[i];
    const fault = recordFault(record, userId);
    if (fault !== undefined) return fault;
    if (status === "all") continue;
    const recordStatus = (record as AppointmentRecord).status;
    if (
      status === "holding"
        ? !canHoldPeriods(record as AppointmentRecord)
        : status === "resource"
          ? recordStatus !== "booked" && recordStatus !== "held"
          : recordStatus !== "booked"
    ) {
      return "a record of another status than the list asked for";
    }
  }
  return undefined;
}

/**
 * Checks the answer of `listAppointments(userId, { status })`: an array of the user's records, of the
 * status asked for (`"booked"` when none is).
 *
 * @throws StoreUnavailableError when it is not.
 */
export function checkRecords(records: unknown, userId: string | undefined, status: ListStatus): void {
  throwIfFaulty(() => recordsFault(records, userId, status));
}

function foundFault(record: unknown, userId: string, id: string): string | undefined {
  if (record === null) return undefined;
  return recordFault(record, userId) ?? ((record as AppointmentRecord).id === id ? undefined : "another record");
}

/**
 * Checks the answer of `getAppointment(userId, id)`: `null`, or the user's record of that id.
 *
 * @throws StoreUnavailableError when it is neither.
 */
export function checkFound(record: unknown, userId: string, id: string): void {
  throwIfFaulty(() => foundFault(record, userId, id));
}

function eventsFault(events: unknown, userId: string | undefined): string | undefined {
  if (!Array.isArray(events)) return "a page of events that is not an array";
  for (let i = 0; i < events.length; i++) {
    const fault = eventFault(events[i], userId);
    if (fault !== undefined) return fault;
  }
  return undefined;
}

/**
 * Checks the answer of `purgeExpired`: a count, a safe integer of zero or more.
 *
 * @throws StoreUnavailableError when it is not.
 */
export function checkCount(count: unknown): void {
  if (!Number.isSafeInteger(count) || (count as number) < 0) throw unavailable("a count that is not a whole number");
}

/**
 * Checks the answer of `readChanges({ userId })`: an array of events, of that user's records only when a
 * user is given.
 *
 * @throws StoreUnavailableError when it is not.
 */
export function checkEvents(events: unknown, userId: string | undefined): void {
  throwIfFaulty(() => eventsFault(events, userId));
}

/**
 * What is wrong with `result` as the answer of `write(request)`, as an `Error` to give as the cause of the
 * caller's error, or `undefined` when nothing is: a known status that fits the change, and a well-formed
 * record of the user where it carries one (the changed record itself for `written`, `not-booked` and
 * `too-late`). The caller reports a fault as `OUTCOME_UNKNOWN`: the store did answer, but not in a way that
 * says what it wrote.
 */
export function writeAnswerFault(result: unknown, request: WriteRequest): Error | undefined {
  let fault: string | undefined;
  try {
    fault = writeFault(result, request);
  } catch (cause) {
    return new Error(`The appointment store answered outside its contract: ${UNREADABLE}`, { cause });
  }
  return fault === undefined ? undefined : new Error(`The appointment store answered outside its contract: ${fault}`);
}

function writeFault(result: unknown, request: WriteRequest): string | undefined {
  if (typeof result !== "object" || result === null) return "a write result that is not an object";
  const answer = result as WriteResult;
  const { userId, change } = request;
  const creates = change.type === "book" || change.type === "hold";
  const occupies = creates || change.type === "move";
  switch (answer.status) {
    case "written":
      return recordFault(answer.record, userId) ?? sameId(answer, change);
    case "limit-reached":
    case "overlap":
      if (!occupies) return `${answer.status} for a ${change.type}`;
      return recordFault(answer.conflicting, userId);
    case "resource-full": {
      const resourceIds = occupies ? claimedResourceIds(change.resource) : [];
      if (resourceIds.length === 0) return "resource-full for a write without a resource";
      // The record filling the resource may be any user's; a choice names the first claim's conflict.
      return recordFault(answer.conflicting, undefined) ?? resourceFault(answer.conflicting, resourceIds[0] as string);
    }
    case "stale":
    case "not-booked":
    case "too-late":
      if (change.type !== "move" && change.type !== "cancel") return `${answer.status} for a ${change.type}`;
      return recordFault(answer.record, userId) ?? sameId(answer, change);
    case "not-held":
    case "hold-expired":
      if (change.type !== "confirm" && change.type !== "release") return `${answer.status} for a ${change.type}`;
      return recordFault(answer.record, userId) ?? sameId(answer, change);
    case "not-found":
      return creates ? `not-found for a ${change.type}` : undefined;
    case "id-taken":
      return creates ? undefined : `id-taken for a ${change.type}`;
    case "key-reused":
      return request.idempotency === undefined ? "key-reused for a write without a key" : undefined;
    default:
      return unknownStatus(answer);
  }
}

/** The resources a change claims, in the order of its claims. */
function claimedResourceIds(resource: ResourceClaim | ResourceChoice | null | undefined): string[] {
  if (!resource) return [];
  return "anyOf" in resource ? resource.anyOf.map((claim) => claim.resourceId) : [resource.resourceId];
}

/** What is wrong with `record` as one that occupies `resourceId`, or `undefined`. */
function resourceFault(record: AppointmentRecord, resourceId: string): string | undefined {
  const span = record.resource as unknown;
  if (typeof span !== "object" || span === null) return "a resource-full record without a resource";
  const {
    resourceId: id,
    fromMs,
    toMs,
  } = span as { readonly [K in keyof NonNullable<AppointmentRecord["resource"]>]: unknown };
  if (id !== resourceId) return "a resource-full record of another resource";
  if (!isMs(fromMs) || !isMs(toMs) || (toMs as number) <= (fromMs as number)) {
    return "a resource span that is not a range of integer milliseconds";
  }
  return undefined;
}

/**
 * Whether the answer's record is the changed one. Not for a booking's replay: it answers the first booking
 * under the key, whose id was made then (the retry's new id was never written).
 */
function sameId(
  answer: { readonly record: AppointmentRecord; readonly replayed: boolean },
  change: WriteRequest["change"],
): string | undefined {
  const creates = change.type === "book" || change.type === "hold";
  if (answer.record.id === change.id || (creates && answer.replayed === true)) return undefined;
  return "the record of another appointment";
}

/** Every status of {@link WriteResult} is handled above: a new one fails to compile here until it is. */
function unknownStatus(_answer: never): string {
  return "a write result of an unknown status";
}
