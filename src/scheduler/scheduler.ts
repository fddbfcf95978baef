/**
 * The scheduler: the booking rules, applied in the user's time zone, over a pluggable store.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { Temporal } from "temporal-polyfill";
import {
  AppointmentCancelledError,
  AppointmentNotBookedError,
  AppointmentNotFoundError,
  AppointmentStartedError,
  type ChangeNoticeRule,
  HoldExpiredError,
  IdempotencyKeyReusedError,
  InvalidArgumentError,
  isSchedulerError,
  LimitReachedError,
  MisalignedStartError,
  NotHeldError,
  OutcomeUnknownError,
  OutsideBookingWindowError,
  OverlappingAppointmentError,
  ResourceFullError,
  type SchedulerError,
  StoreUnavailableError,
  TooLateToChangeError,
} from "../errors/scheduler-errors.js";
import type { Appointment, AppointmentChangeEvent, AvailableSlot } from "../model/appointment.js";
import type { Resource, Resources } from "../resources/resource-definition.js";
import { coveredBy, datesAround, resourceDayOf, workingInstants } from "../resources/working-hours.js";
import {
  type AppointmentChange,
  type AppointmentRecord,
  type AppointmentStore,
  occupiesTime,
  type RecordQuery,
  type ResourceChoice,
  type ResourceClaim,
  type ResourceRecordQuery,
  type WriteRequest,
  type WriteResult,
} from "../store/appointment-store.js";
import { MemoryStore } from "../store/memory-store.js";
import { occupancyConflict } from "../store/occupancy.js";
import { resourceConflict } from "../store/resource-capacity.js";
import { DAY_MS } from "../time/civil-date.js";
import { type AmbiguousTimeRule, type DateTimeInput, parseBound, parseDateTime } from "../time/parse-date-time.js";
import { temporalKind } from "../time/temporal-kind.js";
import { validateTimeZone } from "../time/time-zone.js";
import { normalizeUserId, type UserId } from "../user/user-id.js";
import { appointmentFromRecord, changeEventFromRecord } from "./appointment.js";
import { appointmentIdOf, generatedIdOf } from "./appointment-id.js";
import { type Slot, slotOf, timesOf } from "./calendar-facts.js";
import { cursorAfter } from "./list-cursor.js";
import { canonicalJson } from "./metadata.js";
import {
  allowLateOf,
  availabilityFieldsOf,
  type BookOptions,
  type CancelOptions,
  fixedDurationMs,
  type HoldOptions,
  holdFieldsOf,
  LIST_OPTION_KEYS,
  type ListOptions,
  listFieldsOf,
  nameOf,
  type OperationOptions,
  RESOURCE_LIST_OPTION_KEYS,
  type ResourceRequest,
  resourceListLimitOf,
  signalOf,
  throwIfAborted,
  untilAborted,
  type WriteFields,
  type WriteOptions,
  writeFieldsOf,
} from "./operation-options.js";
import {
  type AppointmentType,
  alignmentOf,
  endOf,
  isAligned,
  type Policy,
  type PolicyOptions,
  resolvePolicy,
} from "./policy.js";
import { optionKeys, readFields, readOptionFields } from "./read-fields.js";
import {
  appointmentTypeOf,
  claimOf,
  ResourceDirectory,
  resourceClaim,
  spansStartFrom,
  withinHours,
} from "./resource-claims.js";
import { settledAnswer } from "./settled-answer.js";
import { type DateInput, parseDate, startsOn } from "./slot-grid.js";
import { checkCount, checkEvents, checkFound, checkRecords, writeAnswerFault } from "./store-answers.js";
import { utcSeedSlot } from "./utc-fast-path.js";
import { unknownUnlessTyped, untilDeadline } from "./write-outcome.js";

/**
 * Finds the time zone whose calendar defines a user's dates, for schedulers whose users live in different
 * zones. May be async (a profile lookup); it receives the canonical user id and the caller's signal.
 */
export type TimeZoneResolver = (
  userId: string,
  options: { signal?: AbortSignal | undefined },
) => string | Promise<string>;

/** Options of {@link createScheduler}. All optional: `createScheduler()` behaves like the seed service. */
export interface SchedulerOptions {
  /** Where appointments are kept. Default: a new {@link MemoryStore} (this process only, not persistent). */
  readonly store?: AppointmentStore;
  /**
   * The time zone that defines each user's calendar dates and wall-clock times: an IANA name (`"Europe/London"`)
   * or offset, or a {@link TimeZoneResolver} per user. Default `"UTC"`. An appointment keeps the dates it
   * occupied in the zone it was booked (or last moved) in: a user's later change of zone does not move it
   * to other dates, and it counts toward the limits of those dates (see `docs/rules.md`).
   */
  readonly timeZone?: string | TimeZoneResolver;
  /** The booking rules. Defaults are the seed's: 30 minutes, on :00/:30, one per calendar date, no overlap. */
  readonly policy?: PolicyOptions;
  /** What a repeated wall-clock time (clocks going back) means. Default `"earlier"`. */
  readonly ambiguousTime?: AmbiguousTimeRule;
  /**
   * The clock: for minimum notice and maximum horizon, the times stamped on appointments and changes, and
   * the expiry of idempotency keys and events. Default `Temporal.Now.instant`.
   */
  readonly now?: () => Temporal.Instant;
  /**
   * Makes appointment ids. Default `crypto.randomUUID`. Ids must be unique per user, at most 255
   * characters, well-formed Unicode and without U+0000 (so that every store keeps them exactly); another
   * id, or one the user already has, is refused (`INVALID_ARGUMENT`) and nothing is written.
   */
  readonly generateId?: () => string;
  /**
   * How long an idempotency key and the outcome it gave are kept: a retry within it returns that outcome;
   * after it the key may be used again. A duration in hours or smaller units (or days of 24 hours), as
   * `{ hours: 24 }` or `"PT24H"`. Default 24 hours.
   */
  readonly idempotencyRetention?: Temporal.DurationLike | string;
  /**
   * How long each change event stays readable by {@link Scheduler.changes}; after it a store may drop it.
   * Default 30 days. Consumers must read more often than this.
   */
  readonly changeRetention?: Temporal.DurationLike | string;
  /**
   * The bookable resources (practitioners, rooms, devices): definitions by id, or a resolver that looks one
   * up (in your own database, say). A booking names one with `book(…, { resource })`. See docs/resources.md.
   */
  readonly resources?: Resources;
}

/** Options of {@link Scheduler.availability}. */
export interface AvailabilityOptions extends OperationOptions {
  /** Offer only starts at which one of these resources is free, and say which (in this order). */
  readonly resources?: readonly string[] | undefined;
  /** The appointment type to offer starts for (its duration and buffers). */
  readonly type?: string | undefined;
  /**
   * The id of one of the user's booked appointments: offer the starts that `reschedule(userId, moving, start)`
   * would accept now. Its own time does not count against them (a move never collides with the time it
   * leaves), and its type and resource apply, so `type` and `resources` must be left out.
   *
   * @throws AppointmentNotFoundError, AppointmentCancelledError, AppointmentNotBookedError (a hold),
   *   AppointmentStartedError and TooLateToChangeError, as `reschedule` would.
   */
  readonly moving?: string | undefined;
}

/** Options of {@link Scheduler.listByResource}. */
export interface ResourceListOptions extends OperationOptions {
  /** At most this many appointments (default and maximum 1000). */
  readonly limit?: number | undefined;
}

/**
 * A half-open range of time for {@link Scheduler.list}: the appointments overlapping `[from, to)`. Each bound
 * is optional, and is a position on the time line (see `docs/time-zones.md`):
 *
 * - an exact time, or a wall-clock time in the user's zone, as {@link Scheduler.book} reads a start; but a
 *   wall-clock time in a daylight-saving gap is not refused: it is the instant the clocks jump over it
 *   (02:30 on 14 March 2021 in New York is 03:00 EDT), and a repeated one is its first occurrence, whatever
 *   `ambiguousTime` says (give an offset for the second);
 * - a calendar date, `"2021-04-22"` or a `Temporal.PlainDate`: its first instant in the user's zone
 *   (Temporal's `startOfDay`), so `{ from: "2021-04-22", to: "2021-04-23" }` lists the user's appointments
 *   on that local date.
 *
 * A range has no other keys: `list`'s options (`signal`, `status`, …) belong in its third argument. Any other
 * key is `INVALID_ARGUMENT` (`range.signal`), not ignored.
 */
export interface ListRange {
  readonly from?: DateTimeInput | DateInput | undefined;
  readonly to?: DateTimeInput | DateInput | undefined;
}

const RANGE_KEYS = optionKeys<ListRange>()(["from", "to"]);

/** Where an option of `list` that was put in its range belongs. */
function rangeKeyHint(key: string): string | undefined {
  if (!LIST_OPTION_KEYS.includes(key)) return undefined;
  return `${key} is an option, and belongs in list's third argument: list(userId, range, { ${key} })`;
}

/** Options of {@link Scheduler.changes}. */
export interface ChangesOptions extends OperationOptions {
  /** Read the events after this position: the `cursor` of the previous page, or the last event you processed. */
  readonly after?: string | null | undefined;
  /** At most this many events, 1 to 1000. Default 100. */
  readonly limit?: number | undefined;
  /** Only this user's events. */
  readonly userId?: UserId | undefined;
}

/** A page of {@link Scheduler.list}. */
export interface AppointmentPage<T = Appointment> {
  /** The appointments of this page, sorted by start, then by id. */
  readonly appointments: T[];
  /**
   * `null` when this page is the last; otherwise pass it as `after` (with the same range and status) to
   * read the next page.
   */
  readonly nextCursor: string | null;
}

/** A page of the change feed. */
export interface ChangePage {
  /** Events in commit order. */
  readonly changes: AppointmentChangeEvent[];
  /**
   * Where to read on: the position of the last event of this page, or the `after` you passed when the page
   * is empty (`null` when both are absent). Save it after processing the page.
   */
  readonly cursor: string | null;
}

/**
 * Books, lists, moves and cancels appointments under one policy, and reports every change. Every method is
 * async, validates all of its arguments, and fails only with a {@link SchedulerError} subclass.
 */
export interface Scheduler {
  /** The validated policy in force, with defaults filled in. */
  readonly policy: Policy;

  /**
   * Books an appointment for `userId` starting at `start`.
   *
   * @param start - an exact time, or a wall-clock time in the user's zone (see `docs/time-zones.md`).
   * @throws InvalidUserIdError, InvalidDateTimeError, NonexistentLocalTimeError, AmbiguousLocalTimeError,
   *   MisalignedStartError, OutsideBookingWindowError, LimitReachedError and OverlappingAppointmentError
   *   (with the conflicting appointment), IdempotencyKeyReusedError, StoreUnavailableError,
   *   OutcomeUnknownError, OperationTimedOutError, OperationAbortedError.
   * @example
   * ```ts
   * const appointment = await scheduler.book(42, "2021-04-22 11:30", { idempotencyKey: "9b1f…" });
   * ```
   */
  book(userId: UserId, start: DateTimeInput, options?: BookOptions): Promise<Appointment>;

  /**
   * Holds what `book` would book, for a short time (`options.ttl`, default 5 minutes): the hold is an
   * appointment with `status: "held"` and `holdExpiresAt`, checked as a booking is, and it counts toward the
   * user's limits and overlap and the resource's capacity until it expires, then not at all (no clean-up job
   * needed). `confirm` books it; `release` gives it up. See docs/resources.md.
   *
   * @throws every error of {@link Scheduler.book}.
   * @example
   * ```ts
   * const hold = await scheduler.hold(42, "2021-04-22 11:30", { resource: "dr-lee", ttl: { minutes: 10 } });
   * // … the user pays …
   * const appointment = await scheduler.confirm(42, hold.id);
   * ```
   */
  hold(userId: UserId, start: DateTimeInput, options?: HoldOptions): Promise<Appointment>;

  /**
   * Books a hold: the same appointment (id, times, resource), `status: "booked"`, one version more. Nothing
   * is checked again: the hold has counted since it was made. Confirming a hold that is booked already answers
   * it as it is.
   *
   * @throws AppointmentNotFoundError (never held, or purged after it expired), HoldExpiredError, NotHeldError
   *   (booked directly, cancelled, released), and the store and key errors of {@link Scheduler.book}.
   */
  confirm(userId: UserId, holdId: string, options?: WriteOptions): Promise<Appointment>;

  /**
   * Gives a hold up, expired or not: `status: "released"`, one version more; its time is free at once.
   * Releasing a released hold answers it as it is.
   *
   * @throws AppointmentNotFoundError, NotHeldError (booked, cancelled), and the store and key errors of
   *   {@link Scheduler.book}.
   */
  release(userId: UserId, holdId: string, options?: WriteOptions): Promise<Appointment>;

  /**
   * A page of the user's booked appointments (all with `{ status: "all" }`) overlapping `range`, sorted by
   * start, then by id: at most `options.limit` (default 100, at most 1000). Read on with the page's
   * `nextCursor` as `options.after`:
   *
   * @example
   * ```ts
   * let page = await scheduler.list(42);
   * while (page.nextCursor !== null) page = await scheduler.list(42, {}, { after: page.nextCursor });
   * ```
   */
  list(userId: UserId, range?: ListRange, options?: ListOptions): Promise<AppointmentPage>;

  /** The user's appointment with this id, booked or cancelled, or `null` (never booked, or another user's). */
  get(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment | null>;

  /**
   * Cancels the user's appointment and returns it, `status: "cancelled"`, with the reason. It stays
   * readable with `get`, and its dates become free at once. An appointment that has started cannot be
   * cancelled, nor one within the policy's `cancellationNotice`, unless staff pass `allowLate`.
   *
   * @throws AppointmentNotFoundError, AppointmentCancelledError (already cancelled), AppointmentStartedError,
   *   TooLateToChangeError, and the write errors of {@link Scheduler.book}.
   */
  cancel(userId: UserId, id: string, options?: CancelOptions): Promise<Appointment>;

  /**
   * Moves a booked appointment to `newStart`, atomically: the old time is released only if the new one is
   * accepted. The appointment keeps its id; its old times are added to `previousTimes`. It never conflicts
   * with its own old time. An appointment that has started cannot be moved, nor one within the policy's
   * `rescheduleNotice`.
   *
   * @throws AppointmentNotFoundError, AppointmentCancelledError, AppointmentStartedError,
   *   TooLateToChangeError, and every error of {@link Scheduler.book} for the new time.
   */
  reschedule(userId: UserId, id: string, newStart: DateTimeInput, options?: WriteOptions): Promise<Appointment>;

  /**
   * The starts on `date` (the user's local calendar date) that the user could book now, in time order: the
   * ones `book` would accept at this moment. On a day when clocks go back, both occurrences of a repeated
   * time are listed; times in a gap are not.
   */
  availability(userId: UserId, date: DateInput, options?: AvailabilityOptions): Promise<AvailableSlot[]>;

  /**
   * A resource's booked appointments and live holds (every user's) that occupy it within `range` (by their
   * times widened by the buffers), sorted by that start: a practitioner's day view. Times are in the resource's zone, and
   * a date bound is a date there.
   *
   * @throws UnknownResourceError, InvalidArgumentError, StoreUnavailableError.
   */
  listByResource(resourceId: string, range?: ListRange, options?: ResourceListOptions): Promise<Appointment[]>;

  /**
   * The change feed: committed bookings, moves and cancellations in commit order, after a position. Save the
   * page's `cursor` once you have processed its events and pass it as `after` next time: every change is
   * then seen at least once, also across a crash (see `docs/change-feed.md`).
   */
  changes(options?: ChangesOptions): Promise<ChangePage>;

  /**
   * Removes expired idempotency keys, change events and holds from the store now, and returns how many.
   * Stores may also remove keys and events as they write (`MemoryStore` does); run it from a periodic job.
   * (An expired hold counts toward nothing whether removed or not: this only keeps the store small.)
   */
  purgeExpired(options?: OperationOptions): Promise<number>;
}

/**
 * Creates a {@link Scheduler}. With no options it keeps the seed's rules, in UTC, in memory.
 *
 * @throws InvalidArgumentError or InvalidTimeZoneError for invalid options.
 * @example
 * ```ts
 * import { createScheduler } from "appointment-scheduler";
 *
 * const scheduler = createScheduler({ timeZone: "Europe/London" });
 * await scheduler.book(42, "2021-04-22 11:30");
 * ```
 */
export function createScheduler(options?: SchedulerOptions): Scheduler {
  return new PolicyScheduler(options);
}

/** Makes of a stored record what an operation answers: an `Appointment`, or another view of it. */
export type Presenter<T> = (record: AppointmentRecord, timeZone: string) => T;

/**
 * `book` and `list` giving the stored records themselves to a presenter, for `appointment-scheduler/http`:
 * the public methods build a dozen `Temporal` objects per appointment that an HTTP answer in the seed's
 * form would only format again. Same rules and errors as the public methods. Internal: the package does not
 * export it.
 */
export interface RecordOperations {
  book<T>(userId: UserId, start: DateTimeInput, options: BookOptions | undefined, present: Presenter<T>): Promise<T>;
  list<T>(
    userId: UserId,
    range: ListRange | undefined,
    options: ListOptions | undefined,
    present: Presenter<T>,
  ): Promise<AppointmentPage<T>>;
}

/**
 * The {@link RecordOperations} of a scheduler from {@link createScheduler}; `undefined` for any other
 * scheduler, and for one whose `book` or `list` was replaced (a wrapper that logs or counts must still be
 * called).
 */
export function recordOperationsOf(scheduler: Scheduler): RecordOperations | undefined {
  if (!(scheduler instanceof PolicyScheduler)) return undefined;
  const own = PolicyScheduler.prototype;
  if (scheduler.book !== own.book || scheduler.list !== own.list) return undefined;
  return PolicyScheduler.recordOperations(scheduler);
}

const HOUR_MS = 3_600_000;
const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * HOUR_MS;
const DEFAULT_CHANGE_RETENTION_MS = 30 * 24 * HOUR_MS;
/** The longest retention accepted: ten years of 365 days. */
const LONGEST_RETENTION_MS = 10 * 365 * 24 * HOUR_MS;
const DEFAULT_CHANGES_LIMIT = 100;
const MAX_CHANGES_LIMIT = 1000;

/** How often a move reads and tries again when the appointment changed in between (see `reschedule`). */
const MOVE_ATTEMPTS = 3;

/** A move whose appointment changed since it was read: read again. Never leaves the scheduler. */
class StaleMoveError extends Error {}

/** A move that found its appointment changed every time it tried: the store is too busy with it. */
function unstale(error: unknown): unknown {
  if (!(error instanceof StaleMoveError)) return error;
  return new StoreUnavailableError("The appointment kept changing while it was being moved; nothing was written");
}

class PolicyScheduler implements Scheduler {
  readonly policy: Policy;
  readonly #store: AppointmentStore;
  readonly #timeZone: string | TimeZoneResolver;
  readonly #ambiguousTime: AmbiguousTimeRule;
  /** The caller's clock, or `undefined` for the system clock (read as `Date.now()`, cheaper than Temporal). */
  readonly #now: (() => Temporal.Instant) | undefined;
  readonly #generateId: () => string;
  readonly #idempotencyRetentionMs: number;
  readonly #changeRetentionMs: number;
  readonly #resources: ResourceDirectory;

  constructor(options: unknown) {
    if (options === undefined) options = {};
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError("options", "options must be an object");
    }
    const o = readOptionFields(
      options,
      [
        "policy",
        "store",
        "timeZone",
        "ambiguousTime",
        "now",
        "generateId",
        "idempotencyRetention",
        "changeRetention",
        "resources",
      ],
      "options",
    );
    this.#resources = new ResourceDirectory(o.resources);
    this.policy = resolvePolicy(o.policy);
    this.#store = o.store === undefined ? new MemoryStore() : storeOption(o.store);
    this.#timeZone =
      typeof o.timeZone === "function" ? (o.timeZone as TimeZoneResolver) : validateTimeZone(o.timeZone ?? "UTC");
    this.#ambiguousTime = ambiguousTimeOption(o.ambiguousTime);
    this.#now = o.now === undefined ? undefined : functionOption(o.now, "now");
    this.#generateId = o.generateId === undefined ? randomId : functionOption(o.generateId, "generateId");
    this.#idempotencyRetentionMs = retentionOption(
      o.idempotencyRetention,
      "idempotencyRetention",
      DEFAULT_IDEMPOTENCY_RETENTION_MS,
    );
    this.#changeRetentionMs = retentionOption(o.changeRetention, "changeRetention", DEFAULT_CHANGE_RETENTION_MS);
  }

  book(userId: UserId, start: DateTimeInput, options?: BookOptions): Promise<Appointment> {
    return this.#book(userId, start, options, appointmentFromRecord);
  }

  list(userId: UserId, range?: ListRange, options?: ListOptions): Promise<AppointmentPage> {
    return this.#list(userId, range, options, appointmentFromRecord);
  }

  /** The record operations of `scheduler`: see {@link recordOperationsOf}. */
  static recordOperations(scheduler: PolicyScheduler): RecordOperations {
    return {
      book: (userId, start, options, present) => scheduler.#book(userId, start, options, present),
      list: (userId, range, options, present) => scheduler.#list(userId, range, options, present),
    };
  }

  /** `book`, giving the booked record in the form `present` makes of it. */
  #book<T>(userId: UserId, start: DateTimeInput, options: unknown, present: Presenter<T>): Promise<T> {
    return this.#withOptions(
      () => writeFieldsOf(options, "metadata"),
      (fields) => this.#create(userId, start, fields, null, present),
    );
  }

  hold(userId: UserId, start: DateTimeInput, options?: HoldOptions): Promise<Appointment> {
    return this.#withOptions(
      () => holdFieldsOf(options),
      (fields) => this.#create(userId, start, fields, fields.ttlMs, appointmentFromRecord),
    );
  }

  /** A booking, or with `holdMs` a hold for that long: one write of what `start` and `fields` ask for. */
  #create<T>(
    userId: UserId,
    start: DateTimeInput,
    fields: WriteFields,
    holdMs: number | null,
    present: Presenter<T>,
  ): Promise<T> {
    return this.#userOperation(userId, fields.signal, async (user, timeZone) => {
      const type = appointmentTypeOf(this.policy, fields.appointmentType);
      const slot = this.#acceptableSlot(start, timeZone, type);
      const now = holdMs === null ? undefined : this.#currentInstant();
      const resource = fields.resource && (await this.#claims(fields.resource, slot.times, type, fields.signal));
      const booking = {
        id: this.#newId(),
        times: slot.times,
        metadata: fields.metadata,
        occupancy: slot.occupancy,
        resource,
        appointmentType: type?.name ?? null,
      };
      const change: AppointmentChange =
        now === undefined
          ? { type: "book", ...booking }
          : { type: "hold", ...booking, expiresAtMs: now.epochMilliseconds + (holdMs as number) };
      // The fingerprint names what the caller asked for: the instant, not the form it was written in.
      const request = () => [
        change.type,
        slot.times.startMs,
        canonicalJson(fields.metadata),
        ...(fields.resource || type ? [fields.resource, fields.appointmentType] : []),
        ...(holdMs === null ? [] : [holdMs]),
      ];
      return this.#write(user, change, fields, request, timeZone, present, now);
    });
  }

  /**
   * What a booking at `times` claims of the resources asked for: one resource's claim, within its hours; or,
   * for a choice, the claims of those whose hours hold it, in the order to try them.
   *
   * @throws UnknownResourceError for any resource not defined; OutsideResourceHoursError when no resource's
   *   hours hold it (naming the first asked for).
   */
  async #claims(
    asked: ResourceRequest,
    times: Slot["times"],
    type: AppointmentType | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ResourceClaim | ResourceChoice> {
    const resources = await Promise.all(asked.ids.map((id) => this.#resources.resource(id, signal)));
    if (!asked.choice) return resourceClaim(resources[0] as Resource, times, type);
    const open = resources.flatMap((resource) => {
      const claim = claimOf(resource, times, type);
      return withinHours(resource, claim) ? [{ resource, claim }] : [];
    });
    // None within its hours: the first one's error says why.
    if (open.length === 0) return resourceClaim(resources[0] as Resource, times, type);
    if (asked.order === "least-booked" && open.length > 1) {
      const nowMs = this.#nowMs();
      const counted = await Promise.all(
        open.map(async ({ resource, claim }) => {
          const records = await this.#resourceRecords(resource.id, resourceDayOf(resource, times.startMs), signal);
          return { claim, count: records.filter((record) => occupiesTime(record, nowMs)).length };
        }),
      );
      // A stable sort: ties keep the order given.
      counted.sort((a, b) => a.count - b.count);
      return { anyOf: counted.map(({ claim }) => claim) };
    }
    return { anyOf: open.map(({ claim }) => claim) };
  }

  /**
   * A resource's booked and held records (every user's) whose spans overlap `range`, read with the bound on
   * their span starts that lets a store search from there (see `spansStartFrom`), and checked.
   */
  async #resourceRecords(
    resourceId: string,
    range: ResourceRecordQuery,
    signal: AbortSignal | undefined,
  ): Promise<AppointmentRecord[]> {
    const query = range.fromMs === undefined ? range : { ...range, candidatesStartFrom: spansStartFrom(range.fromMs) };
    const records = await this.#read(() => this.#store.listResourceAppointments(resourceId, query, { signal }), signal);
    checkRecords(records, undefined, "resource");
    return records;
  }

  confirm(userId: UserId, holdId: string, options?: WriteOptions): Promise<Appointment> {
    return this.#changeHold(userId, holdId, options, "confirm");
  }

  release(userId: UserId, holdId: string, options?: WriteOptions): Promise<Appointment> {
    return this.#changeHold(userId, holdId, options, "release");
  }

  #changeHold(userId: UserId, holdId: string, options: unknown, type: "confirm" | "release"): Promise<Appointment> {
    return this.#withOptions(
      () => writeFieldsOf(options, undefined),
      (fields) =>
        this.#userOperation(userId, fields.signal, (user, timeZone) => {
          const id = appointmentIdOf(holdId);
          const request = () => [type, id];
          return this.#write(user, { type, id }, fields, request, timeZone, appointmentFromRecord);
        }),
    );
  }

  /** `list`, giving each record in the form `present` makes of it. */
  #list<T>(
    userId: UserId,
    range: ListRange | undefined,
    options: unknown,
    present: Presenter<T>,
  ): Promise<AppointmentPage<T>> {
    return this.#withOptions(
      () => listFieldsOf(options),
      ({ signal, status, limit, after }) =>
        this.#userOperation(userId, signal, async (user, timeZone) => {
          // One record more than the page: whether there is a next page, without a second read.
          const query: RecordQuery = { ...this.#rangeBounds(range, timeZone), status, after, limit: limit + 1 };
          const records = await this.#read(() => this.#store.listAppointments(user, query, { signal }), signal);
          checkRecords(records, user, status);
          const more = records.length > limit;
          const page = more ? records.slice(0, limit) : records;
          return {
            appointments: page.map((record) => present(record, timeZone)),
            nextCursor: more ? cursorAfter(page[limit - 1] as AppointmentRecord) : null,
          };
        }),
    );
  }

  get(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment | null> {
    return this.#operation(options, (signal) =>
      this.#userOperation(userId, signal, async (user, timeZone) => {
        const appointmentId = appointmentIdOf(id);
        const record = await this.#read(() => this.#store.getAppointment(user, appointmentId, { signal }), signal);
        checkFound(record, user, appointmentId);
        return record ? appointmentFromRecord(record, timeZone) : null;
      }),
    );
  }

  cancel(userId: UserId, id: string, options?: CancelOptions): Promise<Appointment> {
    return this.#withOptions(
      () => ({ ...writeFieldsOf(options, "reason"), allowLate: allowLateOf(options) }),
      (fields) =>
        this.#userOperation(userId, fields.signal, (user, timeZone) => {
          const appointmentId = appointmentIdOf(id);
          const now = this.#currentInstant();
          const earliestStartMs = fields.allowLate
            ? null
            : this.#earliestChangeStartMs(now, timeZone, "cancellationNotice");
          const change: AppointmentChange = {
            type: "cancel",
            id: appointmentId,
            reason: fields.reason,
            earliestStartMs,
          };
          const request = () => ["cancel", appointmentId, fields.reason, fields.allowLate];
          return this.#write(user, change, fields, request, timeZone, appointmentFromRecord, now);
        }),
    );
  }

  reschedule(userId: UserId, id: string, newStart: DateTimeInput, options?: WriteOptions): Promise<Appointment> {
    return this.#withOptions(
      () => writeFieldsOf(options, undefined),
      (fields) =>
        this.#userOperation(userId, fields.signal, async (user, timeZone) => {
          const appointmentId = appointmentIdOf(id);
          // The appointment's type and resource decide its new end and span: read it, then move it only if
          // it is still that version; someone else's change in between makes the move read again. Always,
          // also without resources or types configured here: an appointment booked with them (by another
          // process, or before a change of configuration) must keep them or fail, never silently lose them.
          for (let attempt = 1; ; attempt++) {
            const record = await this.#read(
              () => this.#store.getAppointment(user, appointmentId, { signal: fields.signal }),
              fields.signal,
            );
            checkFound(record, user, appointmentId);
            const type = appointmentTypeOf(this.policy, record?.appointmentType ?? null);
            const slot = this.#acceptableSlot(newStart, timeZone, type);
            const span = record?.status === "booked" ? record.resource : null;
            const resource = span ? await this.#resources.resource(span.resourceId, fields.signal) : null;
            const claim = resource ? resourceClaim(resource, slot.times, type) : null;
            try {
              // Conditional on the version read only when something read decides the move (a type, a resource):
              // a plain appointment moves as it would unread, and concurrent moves of it never make it stale.
              const decided = record !== null && (record.appointmentType != null || record.resource != null);
              const expectedVersion = decided ? record.version : null;
              return await this.#move(user, appointmentId, slot, claim, expectedVersion, fields, timeZone);
            } catch (error) {
              if (!(error instanceof StaleMoveError) || attempt >= MOVE_ATTEMPTS) throw unstale(error);
            }
          }
        }),
    );
  }

  /** The move of `appointmentId` to `slot`: with a resource claim, and conditional on a version read. */
  #move(
    user: string,
    appointmentId: string,
    slot: Slot,
    claim: ResourceClaim | null,
    expectedVersion: number | null,
    fields: WriteFields,
    timeZone: string,
  ): Promise<Appointment> {
    const now = this.#currentInstant();
    const change: AppointmentChange = {
      type: "move",
      id: appointmentId,
      times: slot.times,
      occupancy: slot.occupancy,
      earliestStartMs: this.#earliestChangeStartMs(now, timeZone, "rescheduleNotice"),
      ...(claim ? { resource: claim } : {}),
      ...(expectedVersion === null ? {} : { expectedVersion }),
    };
    const request = () => ["move", appointmentId, slot.times.startMs];
    return this.#write(user, change, fields, request, timeZone, appointmentFromRecord, now);
  }

  listByResource(resourceId: string, range?: ListRange, options?: ResourceListOptions): Promise<Appointment[]> {
    return this.#withOptions(
      () => ({ signal: signalOf(options, RESOURCE_LIST_OPTION_KEYS), limit: resourceListLimitOf(options) }),
      async ({ signal, limit }) => {
        const id = nameOf(resourceId, "resourceId") as string;
        const resource = await this.#resources.resource(id, signal);
        const bounds = this.#rangeBounds(range, resource.timeZone);
        const records = await this.#resourceRecords(id, { ...bounds, limit }, signal);
        // Expired holds occupy nothing: a store keeps them until purgeExpired.
        const nowMs = this.#nowMs();
        return records
          .filter((record) => occupiesTime(record, nowMs))
          .map((record) => appointmentFromRecord(record, resource.timeZone));
      },
    );
  }

  availability(userId: UserId, date: DateInput, options?: AvailabilityOptions): Promise<AvailableSlot[]> {
    return this.#withOptions(
      () => availabilityFieldsOf(options),
      ({ signal, resources: askedResources, appointmentType, moving }) => {
        normalizeUserId(userId); // the user id first, as in every operation
        const day = parseDate(date, "date");
        return this.#userOperation(userId, signal, async (user, timeZone) => {
          // For a move: the appointment's own type and resource, and its own records left out of the checks.
          const moved = moving === null ? null : await this.#movableRecord(user, moving, timeZone, signal);
          const type = appointmentTypeOf(this.policy, moved ? (moved.appointmentType ?? null) : appointmentType);
          const resourceIds = moved ? (moved.resource ? [moved.resource.resourceId] : null) : askedResources;
          const others = (records: readonly AppointmentRecord[]) =>
            moved ? records.filter((record) => record.id !== moved.id) : records;
          const window = this.#bookingWindow(timeZone);
          // Holds count as of now, as a booking's write would count them.
          const nowMs = this.#nowMs();
          const offered = startsOn(this.policy, day, timeZone, type)
            .filter((start) => window.allows(start))
            .map((start) => {
              const end = endOf(this.policy, start, type);
              return { start, end, slot: slotOf(this.policy, timesOf(start, end)) };
            });
          if (offered.length === 0) return [];

          // One read for every start: the records any of them could collide with. Each start is then checked
          // exactly as the store checks a booking (occupancyConflict), so what is offered is what `book` gets.
          let fromMs = Number.POSITIVE_INFINITY;
          let toMs = Number.NEGATIVE_INFINITY;
          for (const { slot } of offered) {
            fromMs = Math.min(fromMs, slot.occupancy.candidatesStartWithin.fromMs);
            toMs = Math.max(toMs, slot.occupancy.candidatesStartWithin.toMs);
          }
          const records = await this.#read(
            // One cancelled at or after its start still holds its periods: the records the write counts.
            () => this.#store.listAppointments(user, { fromMs, toMs, status: "holding" }, { signal }),
            signal,
          );
          checkRecords(records, user, "holding");
          const counted = others(records);
          const open = offered.filter(
            ({ slot }) => occupancyConflict(counted, slot.times, slot.occupancy, nowMs) === undefined,
          );
          if (resourceIds === null) return open.map(({ start, end }) => ({ start, end }));
          if (open.length === 0) return [];

          // Each resource: its definition, its hours on the time line and one read of what occupies it, around
          // the day's starts (spans reach a buffer of at most a day beyond them). Each start is then checked as
          // a booking is: hours (as resourceClaim checks them) and capacity (resourceConflict).
          const around = {
            fromMs: (open[0] as (typeof open)[number]).slot.times.startMs - DAY_MS,
            toMs: (open.at(-1) as (typeof open)[number]).slot.times.endMs + DAY_MS,
          };
          const perResource = await Promise.all(
            resourceIds.map(async (id) => {
              const resource = await this.#resources.resource(id, signal);
              const { first, last } = datesAround(resource, around.fromMs, around.toMs);
              const occupying = others(await this.#resourceRecords(id, around, signal));
              return { resource, hours: workingInstants(resource, first, last), occupying };
            }),
          );
          const slots: AvailableSlot[] = [];
          for (const { start, end, slot } of open) {
            const free = perResource
              .filter(({ resource, hours, occupying }) => {
                const claim = claimOf(resource, slot.times, type);
                return (
                  coveredBy(hours, claim.fromMs, claim.toMs) && resourceConflict(occupying, claim, nowMs) === undefined
                );
              })
              .map(({ resource }) => resource.id);
            if (free.length > 0) slots.push({ start, end, resources: free });
          }
          return slots;
        });
      },
    );
  }

  changes(options?: ChangesOptions): Promise<ChangePage> {
    return this.#withOptions(
      () => ({ signal: signalOf(options, CHANGES_OPTION_KEYS), query: changesQueryOf(options) }),
      async ({ signal, query }) => {
        const events = await this.#read(() => this.#store.readChanges(query, { signal }), signal);
        checkEvents(events, query.userId);
        const zones = new Map<string, string>();
        const changes: AppointmentChangeEvent[] = [];
        for (const event of events) {
          const user = event.record.userId;
          let timeZone = zones.get(user);
          if (timeZone === undefined) {
            timeZone = await this.#timeZoneOf(user, signal);
            zones.set(user, timeZone);
          }
          changes.push(changeEventFromRecord(event, timeZone));
        }
        return { changes, cursor: changes.at(-1)?.position ?? query.after ?? null };
      },
    );
  }

  purgeExpired(options?: OperationOptions): Promise<number> {
    return this.#operation(options, async (signal) => {
      const removed = await this.#read(() => this.#store.purgeExpired(this.#nowMs(), { signal }), signal);
      checkCount(removed);
      return removed;
    });
  }

  /** Runs an operation whose only option is its signal: see {@link #withOptions}. */
  #operation<T>(options: unknown, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return this.#withOptions(
      () => ({ signal: signalOf(options) }),
      ({ signal }) => run(signal),
    );
  }

  /**
   * Reads an operation's options with `read`, stops it at once when their signal has fired, then runs it.
   * Not async itself, to spare every operation a promise: bad options, and anything `run` throws before
   * its first await, still arrive as a rejection.
   */
  #withOptions<F extends { readonly signal: AbortSignal | undefined }, T>(
    read: () => F,
    run: (fields: F) => Promise<T>,
  ): Promise<T> {
    try {
      const fields = read();
      throwIfAborted(fields.signal);
      return run(fields);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Runs `run` with the canonical user id and the user's zone. The zone comes at once for a fixed zone (the
   * common case costs no promise), or from the resolver.
   */
  #userOperation<T>(
    userId: UserId,
    signal: AbortSignal | undefined,
    run: (user: string, timeZone: string) => Promise<T>,
  ): Promise<T> {
    let user: string;
    try {
      user = normalizeUserId(userId);
      if (typeof this.#timeZone === "string") return run(user, this.#timeZone);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#timeZoneOf(user, signal).then((timeZone) => run(user, timeZone));
  }

  #timeZoneOf(userId: string, signal: AbortSignal | undefined): Promise<string> {
    if (typeof this.#timeZone === "string") return Promise.resolve(this.#timeZone);
    let answer: unknown;
    try {
      answer = this.#timeZone(userId, { signal });
    } catch (error) {
      return Promise.reject(error); // the resolver's own failure, unchanged
    }
    return untilAborted(settledAnswer(answer, "options.timeZone"), signal).then(({ value }) => validateTimeZone(value));
  }

  /**
   * The user's appointment `id` as `availability({ moving })` reads it: one that `reschedule` could move now,
   * or the error `reschedule` would give (its write checks the same against the store, atomically).
   */
  async #movableRecord(
    user: string,
    id: string,
    timeZone: string,
    signal: AbortSignal | undefined,
  ): Promise<AppointmentRecord> {
    const appointmentId = appointmentIdOf(id);
    const record = await this.#read(() => this.#store.getAppointment(user, appointmentId, { signal }), signal);
    checkFound(record, user, appointmentId);
    if (record === null) throw new AppointmentNotFoundError(appointmentId);
    if (record.status !== "booked") {
      const appointment = appointmentFromRecord(record, timeZone);
      if (record.status === "cancelled") throw new AppointmentCancelledError(appointment);
      throw new AppointmentNotBookedError(appointment);
    }
    const now = this.#currentInstant();
    if (record.startMs < this.#earliestChangeStartMs(now, timeZone, "rescheduleNotice")) {
      throw this.#tooLate(record, "move", now.epochMilliseconds, timeZone);
    }
    return record;
  }

  /**
   * Parses a start, checks it against everything but the store's occupancy check (limit and overlap, which
   * the store makes atomically), and gives what the booking would occupy.
   */
  #acceptableSlot(input: unknown, timeZone: string, type?: AppointmentType): Slot {
    const fast = timeZone === "UTC" && !type ? utcSeedSlot(input, this.policy) : undefined;
    if (fast) return fast;
    const start = parseDateTime(input, timeZone, this.#ambiguousTime);
    if (!isAligned(this.policy, start, type)) throw new MisalignedStartError(alignmentOf(this.policy, type));
    this.#bookingWindow(timeZone).check(start);
    return slotOf(this.policy, timesOf(start, endOf(this.policy, start, type)));
  }

  /** The bounds of the booking window as of now, in the user's zone: notice, horizon, and the past. */
  #bookingWindow(timeZone: string) {
    const { minimumNotice, maximumHorizon, allowPastStarts } = this.policy;
    if (!minimumNotice && !maximumHorizon && allowPastStarts) return { allows: () => true, check: () => {} };
    const now = this.#currentInstant().toZonedDateTimeISO(timeZone);
    // A notice is never negative, so it bounds the past out too; the past is the bound only without one.
    const earliestBound = minimumNotice ? "minimumNotice" : allowPastStarts ? null : "past";
    const earliest = minimumNotice ? windowBound(now, minimumNotice) : allowPastStarts ? null : now;
    const latest = maximumHorizon ? windowBound(now, maximumHorizon) : null;
    const violation = (start: Temporal.ZonedDateTime) => {
      if (earliest && earliestBound && Temporal.ZonedDateTime.compare(start, earliest) < 0) {
        return new OutsideBookingWindowError(earliestBound, earliest);
      }
      if (latest && Temporal.ZonedDateTime.compare(start, latest) > 0) {
        return new OutsideBookingWindowError("maximumHorizon", latest);
      }
      return null;
    };
    return {
      allows: (start: Temporal.ZonedDateTime) => violation(start) === null,
      check: (start: Temporal.ZonedDateTime) => {
        const error = violation(start);
        if (error) throw error;
      },
    };
  }

  /**
   * The earliest start an appointment may have for a cancel or move made at `now`: after now (one that has
   * started cannot change), and no sooner than the policy's notice for the change, added in the user's zone
   * as `minimumNotice` is. The store checks it against the appointment's start in its write.
   */
  #earliestChangeStartMs(now: Temporal.Instant, timeZone: string, rule: ChangeNoticeRule): number {
    const afterNow = now.epochMilliseconds + 1;
    const notice = this.policy[rule];
    if (!notice) return afterNow;
    return Math.max(afterNow, windowBound(now.toZonedDateTimeISO(timeZone), notice).epochMilliseconds);
  }

  /** The error of a `too-late` answer: the appointment has started, or its notice has run out. */
  #tooLate(
    record: AppointmentRecord,
    changeType: AppointmentChange["type"],
    atMs: number,
    timeZone: string,
  ): SchedulerError {
    const appointment = appointmentFromRecord(record, timeZone);
    if (record.startMs <= atMs) return new AppointmentStartedError(appointment);
    const rule: ChangeNoticeRule = changeType === "cancel" ? "cancellationNotice" : "rescheduleNotice";
    const notice = this.policy[rule] ?? new Temporal.Duration();
    return new TooLateToChangeError(rule, appointment.start.subtract(notice), appointment);
  }

  /**
   * The one write of a change: the store checks the key, the appointment's state and the occupancy, and
   * commits the change with its event, atomically. Its answer becomes the result or the typed error.
   */
  async #write<T>(
    userId: string,
    change: AppointmentChange,
    fields: WriteFields,
    fingerprintParts: () => unknown[],
    timeZone: string,
    present: Presenter<T>,
    now?: Temporal.Instant,
  ): Promise<T> {
    const { signal, idempotencyKey } = fields;
    const atMs = now ? now.epochMilliseconds : this.#nowMs();
    const request: WriteRequest = {
      userId,
      change,
      atMs,
      changeExpiresAtMs: atMs + this.#changeRetentionMs,
      idempotency:
        idempotencyKey === undefined
          ? undefined
          : {
              key: idempotencyKey,
              fingerprint: fingerprintOf(fingerprintParts()),
              expiresAtMs: atMs + this.#idempotencyRetentionMs,
            },
    };
    throwIfAborted(signal);
    let result: WriteResult;
    try {
      // Called inside the try: a store that throws instead of rejecting has not said what it wrote either.
      const pending = this.#store.write(request, { signal });
      result = await (signal ? untilDeadline(pending, signal, idempotencyKey) : pending);
    } catch (error) {
      throw unknownUnlessTyped(error, idempotencyKey);
    }
    // An answer outside the contract claims an outcome it cannot be trusted for: whether the write committed
    // is unknown (a retry with the key settles it), as when the store fails mid-write.
    const fault = writeAnswerFault(result, request);
    if (fault) throw new OutcomeUnknownError(idempotencyKey ?? null, { cause: fault });
    switch (result.status) {
      case "written":
        return present(result.record, timeZone);
      case "limit-reached":
        throw new LimitReachedError(
          appointmentFromRecord(result.conflicting, timeZone),
          this.policy.limit.per,
          this.policy.limit.max,
        );
      case "overlap":
        throw new OverlappingAppointmentError(appointmentFromRecord(result.conflicting, timeZone));
      case "resource-full": {
        const claimed = (change as { resource?: ResourceClaim | ResourceChoice | null }).resource;
        // A choice is refused for its first claim (the store names that claim's conflict).
        const claim = (claimed && "anyOf" in claimed ? claimed.anyOf[0] : claimed) as ResourceClaim;
        // Another user's appointment is not this user's to see: only that the resource is full.
        const own = result.conflicting.userId === userId;
        throw new ResourceFullError(claim.resourceId, own ? appointmentFromRecord(result.conflicting, timeZone) : null);
      }
      case "stale":
        throw new StaleMoveError();
      case "not-found":
        throw new AppointmentNotFoundError(change.id);
      case "not-booked": {
        const appointment = appointmentFromRecord(result.record, timeZone);
        if (result.record.status === "cancelled") throw new AppointmentCancelledError(appointment);
        throw new AppointmentNotBookedError(appointment);
      }
      case "not-held":
        // Confirmed already, or released already: what was asked for is done, and is answered as it is.
        if (
          (change.type === "confirm" && result.record.status === "booked" && result.record.holdExpiresAtMs !== null) ||
          (change.type === "release" && result.record.status === "released")
        ) {
          return present(result.record, timeZone);
        }
        throw new NotHeldError(appointmentFromRecord(result.record, timeZone));
      case "hold-expired":
        throw new HoldExpiredError(
          appointmentFromRecord(result.record, timeZone),
          Temporal.Instant.fromEpochMilliseconds(result.record.holdExpiresAtMs as number),
        );
      case "too-late":
        throw this.#tooLate(result.record, change.type, atMs, timeZone);
      case "id-taken":
        throw new InvalidArgumentError(
          "options.generateId",
          "generateId returned an id this user already has; nothing was written",
        );
      case "key-reused":
        throw new IdempotencyKeyReusedError(idempotencyKey ?? "");
      default:
        // An answer outside the contract: whether it wrote anything, nobody can say.
        throw new OutcomeUnknownError(idempotencyKey ?? null, {
          cause: new Error("The store answered with an unknown result"),
        });
    }
  }

  /** Runs a read: a store failure is `STORE_UNAVAILABLE`, and the caller stops waiting when `signal` fires. */
  #read<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    return untilAborted(fromStore(call, signal), signal);
  }

  #nowMs(): number {
    return this.#now ? Number(this.#currentInstant().epochMilliseconds) : Date.now();
  }

  #currentInstant(): Temporal.Instant {
    if (!this.#now) return Temporal.Now.instant();
    // The clock's own failure is the caller's, unchanged; what it returns is read as an argument.
    return clockInstant(this.#now());
  }

  #newId(): string {
    return generatedIdOf(this.#generateId());
  }

  #rangeBounds(range: unknown, timeZone: string): Pick<RecordQuery, "fromMs" | "toMs"> {
    if (range === undefined) return {};
    if (typeof range !== "object" || range === null) throw new InvalidArgumentError("range", "range must be an object");
    const { from, to } = readOptionFields(range, RANGE_KEYS, "range", rangeKeyHint);
    // A date or time given as the whole range has no keys to refuse: it would list everything. (Checked once
    // the range has proved readable: `instanceof` asks a Proxy for its prototype.)
    if (temporalKind(range) !== undefined || range instanceof Date) {
      throw new InvalidArgumentError("range", "range must be { from?, to? }, not a date or time on its own");
    }
    const bound = (value: unknown, name: string) =>
      value === undefined ? undefined : parseBound(value, timeZone, `range.${name}`).epochMilliseconds;
    return { fromMs: bound(from, "from"), toMs: bound(to, "to") };
  }
}

/** A digest of what a write asked for, to tell a retry from another request under the same key. */
function fingerprintOf(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url");
}

/** The keys of {@link ChangesOptions}: `signalOf` refuses any other. */
const CHANGES_OPTION_KEYS = optionKeys<ChangesOptions>()(["signal", "after", "limit", "userId"]);

function changesQueryOf(options: unknown): { after: string | undefined; limit: number; userId: string | undefined } {
  if (options === undefined) return { after: undefined, limit: DEFAULT_CHANGES_LIMIT, userId: undefined };
  const { after, limit, userId } = readFields(options as object, ["after", "limit", "userId"], "options");
  if (
    after !== undefined &&
    after !== null &&
    (typeof after !== "string" || after.length === 0 || after.length > 255)
  ) {
    throw new InvalidArgumentError("options.after", "options.after must be a position from the change feed");
  }
  if (
    limit !== undefined &&
    (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_CHANGES_LIMIT)
  ) {
    throw new InvalidArgumentError("options.limit", `options.limit must be an integer from 1 to ${MAX_CHANGES_LIMIT}`);
  }
  return {
    after: (after ?? undefined) as string | undefined,
    limit: (limit as number | undefined) ?? DEFAULT_CHANGES_LIMIT,
    userId: userId === undefined ? undefined : normalizeUserId(userId),
  };
}

function retentionOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  return fixedDurationMs(value, `options.${name}`, 1000, LONGEST_RETENTION_MS, {
    type: `${name} must be a Temporal duration in days or smaller units`,
    range: `${name} must be from 1 second to 3650 days`,
  });
}

/**
 * Calls the store for a read and reports its own failures as {@link StoreUnavailableError} (the original
 * kept as `cause`). Typed errors a store throws on purpose pass through unchanged. Errors outside store
 * calls are not wrapped: they are bugs, and must not be disguised as an unavailable store.
 */
async function fromStore<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isSchedulerError(error)) throw error;
    // A read given up once the signal fired: that failure is the caller's timeout or abort.
    throwIfAborted(signal);
    throw new StoreUnavailableError(undefined, { cause: error });
  }
}

/**
 * What the clock `now` returned, as an instant, or {@link InvalidArgumentError} for `options.now`: also when
 * it cannot be read (a revoked `Proxy`, a throwing getter) or lies outside `Temporal`'s range.
 */
function clockInstant(now: unknown): Temporal.Instant {
  const message = "options.now must return a Temporal.Instant";
  let instant: Temporal.Instant | undefined;
  try {
    const ns = temporalKind(now) === "Instant" ? (now as Temporal.Instant).epochNanoseconds : undefined;
    if (typeof ns === "bigint") instant = Temporal.Instant.fromEpochNanoseconds(ns);
  } catch (cause) {
    throw new InvalidArgumentError("options.now", message, { cause });
  }
  if (instant === undefined) throw new InvalidArgumentError("options.now", message);
  return instant;
}

/** `now + duration`. The durations are bounded (see policy.ts), so only a clock near Temporal's limits fails. */
function windowBound(now: Temporal.ZonedDateTime, duration: Temporal.Duration): Temporal.ZonedDateTime {
  try {
    return now.add(duration);
  } catch (cause) {
    throw new InvalidArgumentError("options.now", "options.now returned a time too far from the present", { cause });
  }
}

/**
 * The default appointment id: `crypto.randomUUID()`, as one flat string. Node.js builds that string by
 * concatenation, which V8 keeps as a tree of some twenty pieces: about 490 bytes of heap for every stored
 * appointment, against 64 for the flat string (`npm run bench`: 907 bytes per stored appointment before,
 * 483 after). `toLowerCase()` gives the same characters (a UUID from `randomUUID()` is lower case already)
 * in one flat string.
 */
function randomId(): string {
  return crypto.randomUUID().toLowerCase();
}

function storeOption(store: unknown): AppointmentStore {
  const methods = ["write", "listAppointments", "getAppointment", "readChanges", "purgeExpired"] as const;
  if (
    typeof store !== "object" ||
    store === null ||
    Object.values(readFields(store, methods, "options.store")).some((method) => typeof method !== "function")
  ) {
    throw new InvalidArgumentError(
      "options.store",
      `options.store must implement AppointmentStore (${methods.join(", ")})`,
    );
  }
  return store as AppointmentStore;
}

function ambiguousTimeOption(value: unknown): AmbiguousTimeRule {
  if (value === undefined) return "earlier";
  if (value === "earlier" || value === "later" || value === "reject") return value;
  throw new InvalidArgumentError("options.ambiguousTime", 'ambiguousTime must be "earlier", "later" or "reject"');
}

function functionOption<T>(value: unknown, name: string): () => T {
  if (typeof value !== "function")
    throw new InvalidArgumentError(`options.${name}`, `options.${name} must be a function`);
  return value as () => T;
}
