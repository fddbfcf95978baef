/**
 * The store contract (version 2): the one plug-in point of the library. A store persists appointments, their
 * idempotency keys and a feed of their changes, and makes each change one atomic conditional write per
 * user; it knows nothing of booking rules. The scheduler decides what a change occupies and what it must
 * not collide with, then asks the store for a single write that checks those facts and commits, or reports
 * exactly one reason why not. No read-then-write happens in the scheduler, so nothing can slip between a
 * check and a write, also when several processes share the store.
 *
 * `appointment-scheduler/testing` (see `docs/writing-a-store.md`) runs this contract against any store.
 *
 * @module
 */
import type { AppointmentStatus } from "../model/appointment.js";
import type { JsonObject } from "../model/json.js";

export type { AppointmentStatus };

/**
 * The times of an appointment as facts that any later policy can count: the instants, and the wall-clock
 * times they were in the user's time zone when the appointment was booked or last moved.
 *
 * Local times are milliseconds since 1970-01-01 00:00 of the wall clock (as if that clock were UTC): a
 * local date is `Math.floor(localMs / 86_400_000)` days after 1970-01-01. A change of the user's zone
 * later does not change them: an appointment keeps the dates it occupied where it was booked.
 */
export interface AppointmentTimes {
  /** Start instant, epoch milliseconds, inclusive. */
  readonly startMs: number;
  /** End instant, epoch milliseconds, exclusive. */
  readonly endMs: number;
  /** The start's wall-clock time in the user's zone, as local milliseconds (see above). */
  readonly localStartMs: number;
  /** The end's wall-clock time in the user's zone, as local milliseconds. */
  readonly localEndMs: number;
}

/** Where an appointment was before a move, and when it was moved. */
export interface PreviousTimes {
  readonly startMs: number;
  readonly endMs: number;
  /** When the move was written (the scheduler's clock), epoch milliseconds. */
  readonly movedAtMs: number;
}

/**
 * What an appointment occupies of a resource (a practitioner, a room, a device): the instants from the start
 * of its buffer before to the end of its buffer after, half-open. Buffers occupy the resource, not the user.
 */
export interface ResourceSpan {
  /** The resource's id, as the caller named it. Well-formed Unicode without U+0000, 1 to 255 characters. */
  readonly resourceId: string;
  /** First instant occupied (the start minus the buffer before), epoch milliseconds, inclusive. */
  readonly fromMs: number;
  /** End of the occupation (the end plus the buffer after), epoch milliseconds, exclusive. */
  readonly toMs: number;
}

/**
 * An appointment as a store keeps it. A store returns records exactly as it was given them or built them
 * by the rules of {@link AppointmentStore.write}: every field, in a copy of its own.
 */
export interface AppointmentRecord extends AppointmentTimes {
  /**
   * Stable id chosen by the scheduler; it never changes, also when the appointment moves. Unique per user:
   * a `book` of an id the user has is `id-taken`, wherever that record lies in time, and another user's
   * record with the same id is not in the way. Well-formed Unicode without U+0000 (the scheduler refuses
   * others), so that every store keeps it exactly.
   */
  readonly id: string;
  /** The user's id in canonical string form (a numeric id `42` is stored as `"42"`). */
  readonly userId: string;
  readonly status: AppointmentStatus;
  /** 1 when booked; one more with every change (a move, the cancellation). */
  readonly version: number;
  /** When it was booked (the scheduler's clock), epoch milliseconds. */
  readonly createdAtMs: number;
  /** When it last changed, epoch milliseconds; `createdAtMs` until then. */
  readonly updatedAtMs: number;
  /** When it was cancelled, or `null`. */
  readonly cancelledAtMs: number | null;
  /** The reason given when it was cancelled, or `null`. */
  readonly cancellationReason: string | null;
  /** Where it was before each move, oldest first; `[]` when it never moved. */
  readonly previousTimes: readonly PreviousTimes[];
  /** The caller's metadata from the booking, unchanged, or `null`. Never read by the rules. */
  readonly metadata: JsonObject | null;
  /** The resource it occupies, from the booking or its last move, or `null` when it books none. */
  readonly resource: ResourceSpan | null;
  /** The name of its appointment type, or `null` (the policy's own duration). Never read by the store. */
  readonly appointmentType: string | null;
  /**
   * Until when a hold counts, epoch milliseconds, exclusive: set by a `hold` change and kept, as history,
   * when the hold is confirmed or released; `null` for a record booked directly. A `held` record
   * {@link occupiesTime | occupies} its time only while `holdExpiresAtMs` is after the instant a write
   * judges it at (the write's `atMs`), so an expired hold stops counting at once, with no clean-up job.
   */
  readonly holdExpiresAtMs: number | null;
}

/** A half-open range `[fromMs, toMs)` of milliseconds: instants, or local times where a field says so. */
export interface MsRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * What a new or moved appointment must not collide with, for the store to check in its write. Only the
 * user's records that {@link holdsPeriods | hold periods} at the write's `atMs` count toward the limit and
 * only those that {@link occupiesTime | occupy their time} toward the overlap, never the one being moved.
 */
export interface Occupancy {
  /**
   * The limit periods the appointment occupies, in local milliseconds. A record that {@link holdsPeriods}
   * holds a period when `record.localStartMs < period.toMs && record.localEndMs > period.fromMs`. The write is
   * refused with `limit-reached` when `limit` records already hold one of them.
   */
  readonly periods: readonly MsRange[];
  /** How many records may hold each period. */
  readonly limit: number;
  /**
   * When true, the write is refused with `overlap` when the instants of a record that
   * {@link occupiesTime | occupies its time} overlap the appointment's (`record.startMs < endMs &&
   * record.endMs > startMs`). The limit is checked first.
   */
  readonly noOverlap: boolean;
  /**
   * Every record that can hold one of the periods or overlap the appointment starts within this instant
   * range: a store may look for them only there (through an index on start instants) or ignore it.
   */
  readonly candidatesStartWithin: MsRange;
  /**
   * Every such record also ends within this instant range: a store may look for them through an index on
   * end instants instead (both windows hold at once), which finds few records when a user's appointments
   * lie mostly before the new one, as a history does.
   */
  readonly candidatesEndWithin: MsRange;
}

/**
 * What a new or moved appointment claims of a resource, for the store to check in its write, across users:
 * at no instant of the span may more than `capacity` records of the resource occupy it, counting the new one
 * (and not the one being moved). A record occupies instant `t` of its resource when it
 * {@link occupiesTime | occupies its time} at the write's `atMs` and `fromMs <= t < toMs` of its
 * {@link AppointmentRecord.resource | span}.
 */
export interface ResourceClaim extends ResourceSpan {
  /** How many records may occupy any instant of the resource at once: a positive integer (1 for a person). */
  readonly capacity: number;
  /**
   * Every record of the resource whose span can overlap this one has its span start (`resource.fromMs`)
   * within this range: a store may look for them only there (through an index on span starts) or ignore it.
   */
  readonly candidatesStartWithin: MsRange;
}

/**
 * A claim on the first of several resources that can take the appointment, in the order given: the write
 * checks each claim in turn, as one claim is checked, and takes the first one whose resource is not full.
 * Only when every one is full is the write refused, with `resource-full` naming the first claim's conflict.
 * The claims name different resources (one to 100 of them).
 */
export interface ResourceChoice {
  readonly anyOf: readonly ResourceClaim[];
}

/** Books a new appointment. */
export interface BookChange {
  readonly type: "book";
  /** The new appointment's id. A store that already holds this id for the user answers `id-taken`. */
  readonly id: string;
  readonly times: AppointmentTimes;
  readonly metadata: JsonObject | null;
  readonly occupancy: Occupancy;
  /**
   * The resource it occupies, checked against the resource's capacity, or a {@link ResourceChoice} of
   * several; absent or `null` for none.
   */
  readonly resource?: ResourceClaim | ResourceChoice | null | undefined;
  /** Kept on the record as {@link AppointmentRecord.appointmentType}; absent or `null` for none. */
  readonly appointmentType?: string | null | undefined;
}

/**
 * Holds what a booking would occupy until `expiresAtMs`: checked and written as a `book` is, but the record
 * is `held`, with {@link AppointmentRecord.holdExpiresAtMs}. It counts as a booked record does (limits,
 * overlap, resource capacity) until then, and not at all from then on.
 */
export interface HoldChange extends Omit<BookChange, "type"> {
  readonly type: "hold";
  /** Until when the hold counts, epoch milliseconds, after the write's `atMs`. */
  readonly expiresAtMs: number;
}

/**
 * Turns a hold that has not expired (`holdExpiresAtMs > atMs`) into a booked appointment with the same id,
 * times and resource. Nothing is checked again: the hold has counted since it was written.
 */
export interface ConfirmChange {
  readonly type: "confirm";
  readonly id: string;
}

/** Gives a hold up, expired or not: the record becomes `released` and counts toward nothing. */
export interface ReleaseChange {
  readonly type: "release";
  readonly id: string;
}

/** Moves a booked appointment to new times, keeping its id. */
export interface MoveChange {
  readonly type: "move";
  readonly id: string;
  readonly times: AppointmentTimes;
  readonly occupancy: Occupancy;
  /**
   * The change is refused with `too-late` when the record's current `startMs` is before this (epoch
   * milliseconds); `null` for no such check. The scheduler sets it to now plus the policy's notice, so that
   * an appointment that has started, or starts within the notice, cannot change: checked in the write,
   * since another write may have moved the appointment since anyone last read it.
   */
  readonly earliestStartMs: number | null;
  /**
   * The resource it occupies at its new times (the record's `resource` becomes this span), checked against
   * the capacity as a booking's claim is; absent or `null`: none (the record's `resource` becomes `null`).
   */
  readonly resource?: ResourceClaim | null | undefined;
  /**
   * The record's `version` this move was computed from, or absent/`null` for no such check. When the record
   * has another version, the move is refused with `stale` and nothing is written: the scheduler read the
   * record (its type and resource) before it asked, and someone changed it since.
   */
  readonly expectedVersion?: number | null | undefined;
}

/** Cancels a booked appointment, keeping it with its history. */
export interface CancelChange {
  readonly type: "cancel";
  readonly id: string;
  readonly reason: string | null;
  /** As {@link MoveChange.earliestStartMs}. */
  readonly earliestStartMs: number | null;
}

/** One change to one user's appointments. */
export type AppointmentChange = BookChange | MoveChange | CancelChange | HoldChange | ConfirmChange | ReleaseChange;

/**
 * The caller's idempotency key for a write. Keys belong to a user: two users may use the same key.
 */
export interface IdempotencyClaim {
  /** The caller's key. */
  readonly key: string;
  /** A digest of the request: the same key with another fingerprint is `key-reused`. */
  readonly fingerprint: string;
  /** Until when the key and its outcome are kept, epoch milliseconds. At or after it, the key is free. */
  readonly expiresAtMs: number;
}

/** One conditional write: see {@link AppointmentStore.write}. */
export interface WriteRequest {
  readonly userId: string;
  readonly change: AppointmentChange;
  /** When the change happens (the scheduler's clock), epoch milliseconds: stamped on the record and event. */
  readonly atMs: number;
  /** Until when the change's event is kept in the feed, epoch milliseconds. */
  readonly changeExpiresAtMs: number;
  readonly idempotency?: IdempotencyClaim | undefined;
}

/**
 * The outcome of {@link AppointmentStore.write}: exactly one. `replayed` is true when the outcome is that of
 * an earlier write with the same idempotency key (and fingerprint), returned as it was then, with nothing
 * written now.
 */
export type WriteResult =
  /** Committed: the record as it is after the change. */
  | { readonly status: "written"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** `occupancy.limit` records already hold a period; `conflicting` is the earliest of them (start, then id). */
  | { readonly status: "limit-reached"; readonly conflicting: AppointmentRecord; readonly replayed: boolean }
  /** A booked record overlaps; `conflicting` is the earliest of them (start, then id). */
  | { readonly status: "overlap"; readonly conflicting: AppointmentRecord; readonly replayed: boolean }
  /**
   * The resource is full at some instant of the claimed span: `capacity` records already occupy it.
   * `conflicting` is, at the first such instant, the earliest of the records occupying it (by span start,
   * then user id, then id): it may be another user's record, which the scheduler does not show the caller.
   */
  | { readonly status: "resource-full"; readonly conflicting: AppointmentRecord; readonly replayed: boolean }
  /** A move's `expectedVersion` is not the record's version. Nothing was written. */
  | { readonly status: "stale"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** A move, cancel, confirm or release named no record of this user. */
  | { readonly status: "not-found"; readonly replayed: boolean }
  /** A move or cancel named a record that is not booked (cancelled, held, released): it cannot change so. */
  | { readonly status: "not-booked"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** A confirm or release named a record that is not `held` (booked, cancelled, released). */
  | { readonly status: "not-held"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** A confirm named a hold that expired (`holdExpiresAtMs <= atMs`). Nothing was written. */
  | { readonly status: "hold-expired"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** A move or cancel named a record that starts before the change's `earliestStartMs`. Nothing was written. */
  | { readonly status: "too-late"; readonly record: AppointmentRecord; readonly replayed: boolean }
  /** A booking's id is the id of one of the user's records already. Nothing was written. */
  | { readonly status: "id-taken"; readonly replayed: boolean }
  /** The idempotency key was used for a different request (fingerprint) that has not expired. Not kept. */
  | { readonly status: "key-reused" };

/** What kind of change an event records: a `book`, `move`, `cancel`, `hold`, `confirm` or `release`. */
export type ChangeType = "booked" | "rescheduled" | "cancelled" | "held" | "confirmed" | "released";

/** One committed change, as the feed keeps it. */
export interface ChangeRecord {
  /**
   * The event's position in the feed: an opaque string of 1 to 255 characters, defined by the store, that
   * {@link ChangeQuery.after} takes back. Positions are unique; the feed's order is the order of positions the
   * store defines.
   */
  readonly position: string;
  readonly type: ChangeType;
  /** The appointment as it was right after the change. */
  readonly record: AppointmentRecord;
  /** For a move, where the appointment was before it; otherwise `null`. */
  readonly previous: { readonly startMs: number; readonly endMs: number } | null;
  /** The idempotency key of the write, or `null`. */
  readonly idempotencyKey: string | null;
  /** When the change was written (the write's `atMs`), epoch milliseconds. */
  readonly atMs: number;
}

/** Which events {@link AppointmentStore.readChanges} returns. */
export interface ChangeQuery {
  /** Only events after this position (from an earlier read); from the oldest kept when absent. */
  readonly after?: string | undefined;
  /** At most this many events (a positive integer). */
  readonly limit: number;
  /** Only this user's events, when given. */
  readonly userId?: string | undefined;
}

/**
 * Whether a record occupies its time at instant `atMs`: when it is booked, or held by a hold that has not
 * expired (`holdExpiresAtMs > atMs`). Only such records block an overlap and fill a resource.
 */
export function occupiesTime(record: AppointmentRecord, atMs: number): boolean {
  return (
    record.status === "booked" ||
    (record.status === "held" && record.holdExpiresAtMs !== null && record.holdExpiresAtMs > atMs)
  );
}

/**
 * Whether a record holds the limit periods it lies in at instant `atMs`: when it {@link occupiesTime}, and
 * also when it was cancelled at or after its start (`cancelledAtMs >= startMs`, a no-show recorded by
 * staff): its time was used, and a cancellation after the fact does not give the quota back.
 */
export function holdsPeriods(record: AppointmentRecord, atMs: number): boolean {
  return occupiesTime(record, atMs) || (record.cancelledAtMs !== null && record.cancelledAtMs >= record.startMs);
}

/**
 * Whether a record holds periods at some instant (see {@link holdsPeriods}): booked, held (before its hold
 * expires) or cancelled at or after its start. What a `"holding"` list returns, whatever the clock.
 */
export function canHoldPeriods(record: AppointmentRecord): boolean {
  return (
    record.status === "booked" ||
    record.status === "held" ||
    (record.cancelledAtMs !== null && record.cancelledAtMs >= record.startMs)
  );
}

/** Which records {@link AppointmentStore.listAppointments} returns. */
export interface RecordQuery {
  /** Only records with `endMs > fromMs`, when given. */
  readonly fromMs?: number | undefined;
  /** Only records with `startMs < toMs`, when given. */
  readonly toMs?: number | undefined;
  /**
   * `"booked"` (the default) returns booked records only; `"holding"` those that {@link canHoldPeriods}:
   * booked, held (whatever their expiry: the caller judges it with `holdsPeriods` at its own clock) and
   * cancelled at or after their start, what a write's occupancy counts; `"all"` every record.
   */
  readonly status?: "booked" | "holding" | "all" | undefined;
  /** Only records after this one in the list's order (start, then id): the last of the previous page. */
  readonly after?: { readonly startMs: number; readonly id: string } | undefined;
  /** At most this many records (a positive integer); all when absent. */
  readonly limit?: number | undefined;
}

/**
 * Which records {@link AppointmentStore.listResourceAppointments} returns: booked and held ones (held
 * whatever their expiry: the caller judges it with {@link occupiesTime} at its own clock).
 */
export interface ResourceRecordQuery {
  /** Only records whose span ends after this (`resource.toMs > fromMs`), when given. */
  readonly fromMs?: number | undefined;
  /** Only records whose span starts before this (`resource.fromMs < toMs`), when given. */
  readonly toMs?: number | undefined;
  /** At most this many records (a positive integer); all when absent. */
  readonly limit?: number | undefined;
  /**
   * Every record the query returns has its span start at or after this (`resource.fromMs >=`), when given:
   * the scheduler's bound, `fromMs` minus the longest span there can be. A store may look for the records
   * only from there (through an index on span starts, rather than from the resource's first span ever), or
   * ignore it.
   */
  readonly candidatesStartFrom?: number | undefined;
}

/** Options every store operation takes. */
export interface StoreOperationOptions {
  /**
   * The caller's deadline. A store may give up when it fires, but must then throw a `SchedulerError`
   * (`TIMED_OUT`, `ABORTED`) only while it can guarantee that the write did not commit.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Where appointments live. Implement it to keep appointments in your own database; run
 * `appointment-scheduler/testing` against your implementation to prove it.
 *
 * Contract:
 * - **One atomic write per change.** {@link write} checks the idempotency key, the state of the appointment
 *   it changes, the limit periods and the overlap, then writes the appointment, its event and the key's
 *   outcome, all in one indivisible step, and answers exactly one {@link WriteResult}. Two concurrent writes
 *   for one user can never both pass a check that the other would have failed, whatever the number of
 *   processes or connections sharing the store. Writes for different users may run in parallel.
 * - **Durable when it says so.** A promise that resolves means the write has committed. One that rejects with
 *   a `SchedulerError` (`STORE_UNAVAILABLE`, `TIMED_OUT`, `ABORTED`) means it has not. Any other error means
 *   the store cannot tell: the scheduler reports `OUTCOME_UNKNOWN`, and a retry with the same idempotency key
 *   settles it.
 * - **No rules.** A store compares numbers and strings and counts; it never parses times or knows the policy.
 * - **Not found is not an error.** Lookups return `null` or `[]`.
 * - **Records of one user only.** No operation ever changes another user's records, events or keys, and only
 *   the resource operations (`listResourceAppointments`, a `resource-full` answer) show another user's records.
 * - **Resources across users.** Two concurrent writes that claim one resource can never both pass a capacity
 *   check that the other would have failed, whichever users they are for, and without deadlock whatever the
 *   order in which they arrive (a store that locks takes the user's lock, then the resources' in one fixed
 *   order, whatever the order of a {@link ResourceChoice}).
 * - **Time from the caller.** Whether a hold still counts is judged at the write's `atMs`, never at the
 *   store's own clock: the scheduler's clock (which tests inject) decides.
 */
export interface AppointmentStore {
  /**
   * Makes one change, atomically. In this order, the first that applies answers:
   *
   * 1. `idempotency` names a key of this user that has not expired (`expiresAtMs > atMs`): the same
   *    fingerprint answers that key's first outcome with `replayed: true`; another is `key-reused`.
   * 2. A `move`, `cancel`, `confirm` or `release` whose record does not exist is `not-found`. A `move` or
   *    `cancel` whose record is not booked is `not-booked`; one whose record starts before the change's
   *    `earliestStartMs` is `too-late`; a `move` whose `expectedVersion` is given and is not the record's
   *    `version` is `stale`. A `confirm` or `release` whose record is not held is `not-held`; a `confirm`
   *    whose hold has expired (`holdExpiresAtMs <= atMs`) is `hold-expired`. A `book` or `hold` whose id the
   *    user already has is `id-taken`.
   * 3. A `book`, `hold` or `move` whose occupancy is violated: `limit-reached`, then `overlap`; then one whose
   *    resource claim finds the resource full at an instant of its span (or, for a {@link ResourceChoice},
   *    every claim's resource full): `resource-full`. Records count as of `atMs` (see {@link occupiesTime}).
   * 4. Otherwise the change is written, with the event of its type appended to the feed:
   *    - `book`: a record with `status: "booked"`, `version: 1`, `createdAtMs` and `updatedAtMs` = `atMs`,
   *      `cancelledAtMs` and `cancellationReason` `null`, `previousTimes: []`, the change's times and
   *      metadata, `resource` the claim's `{ resourceId, fromMs, toMs }` (the claim taken, for a choice; or
   *      `null`), `appointmentType` (or `null`) and `holdExpiresAtMs: null`. Event `booked`.
   *    - `hold`: the same record with `status: "held"` and `holdExpiresAtMs` the change's `expiresAtMs`.
   *      Event `held`.
   *    - `move`: the record with the new times and `resource` (as a booking's), `{ startMs, endMs,
   *      movedAtMs: atMs }` of the old times appended to `previousTimes`, `version` + 1, `updatedAtMs` =
   *      `atMs`; the event's `previous` is the old times. Event `rescheduled`.
   *    - `cancel`: the record with `status: "cancelled"`, `cancelledAtMs` and `updatedAtMs` = `atMs`, the
   *      reason, `version` + 1. Cancelled at or after its start, it still {@link holdsPeriods | holds} them.
   *      Event `cancelled`.
   *    - `confirm`: the record with `status: "booked"`, `version` + 1, `updatedAtMs` = `atMs`. Event
   *      `confirmed`.
   *    - `release`: the record with `status: "released"`, `version` + 1, `updatedAtMs` = `atMs`. Event
   *      `released`.
   *
   * With `idempotency`, the outcome of steps 2–4 is kept under the key (until `expiresAtMs`) in the same
   * atomic step; `key-reused` is never kept.
   */
  write(request: WriteRequest, options?: StoreOperationOptions): Promise<WriteResult>;

  /** The user's records matching `query`, sorted by `startMs`, then by `id` (code-unit order). */
  listAppointments(userId: string, query: RecordQuery, options?: StoreOperationOptions): Promise<AppointmentRecord[]>;

  /**
   * The booked and held records of every user whose resource span lies within the query's range, sorted by
   * span start (`resource.fromMs`), then user id, then id (code-unit order). For a resource's day view, and
   * for availability to count what a booking's claim would count. Held records come whatever their expiry,
   * until {@link purgeExpired} removes them.
   */
  listResourceAppointments(
    resourceId: string,
    query: ResourceRecordQuery,
    options?: StoreOperationOptions,
  ): Promise<AppointmentRecord[]>;

  /** The user's record with this id, whatever its status, or `null`. */
  getAppointment(userId: string, id: string, options?: StoreOperationOptions): Promise<AppointmentRecord | null>;

  /**
   * Events in feed order after `query.after`. The order is the order in which the changes committed, as far
   * as any reader can tell: a page never skips an event that commits later, so a consumer that saves the
   * last position it processed and reads on from it sees every change exactly once. An event may become
   * readable some time after its write resolved (PostgreSQL shows it once every transaction that started
   * before it has finished), but once an event is readable, so is every event committed before it. Events
   * whose `changeExpiresAtMs` has passed may be gone.
   */
  readChanges(query: ChangeQuery, options?: StoreOperationOptions): Promise<ChangeRecord[]>;

  /**
   * Removes idempotency keys and events that expired at or before `nowMs`, and held records whose holds
   * expired at or before it, without scanning live ones. Returns how many were removed. Stores that remove
   * keys and events on their own as they write may remove none of those here; held records are removed here
   * only, so that what a store answers about a hold never depends on when it last cleaned up. (An expired
   * hold counts toward nothing whether removed or not; removing it keeps lists and candidate searches short.
   * Its `held` event stays in the feed until that expires.)
   */
  purgeExpired(nowMs: number, options?: StoreOperationOptions): Promise<number>;
}
