/**
 * The scheduler: the booking rules, applied in the user's time zone, over a pluggable store.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import {
  AppointmentNotFoundError,
  InvalidArgumentError,
  isSchedulerError,
  LimitReachedError,
  MisalignedStartError,
  OutsideBookingWindowError,
  StoreUnavailableError,
} from "../errors/scheduler-errors.js";
import type {
  AppointmentRecord,
  AppointmentStore,
  InsertAppointmentResult,
  RecordRange,
} from "../store/appointment-store.js";
import { MemoryStore } from "../store/memory-store.js";
import { type AmbiguousTimeRule, type DateTimeInput, parseDateTime } from "../time/parse-date-time.js";
import { temporalKind } from "../time/temporal-kind.js";
import { validateTimeZone } from "../time/time-zone.js";
import { normalizeUserId, type UserId } from "../user/user-id.js";
import {
  type Appointment,
  type AvailableSlot,
  appointmentFromRecord,
  type WireAppointment,
  wireAppointmentFromRecord,
} from "./appointment.js";
import { abortError, type OperationOptions, signalOf, throwIfAborted, untilAborted } from "./operation-options.js";
import {
  endOf,
  isAligned,
  occupiedDates,
  occupiedPeriods,
  type Policy,
  type PolicyOptions,
  periodBounds,
  resolvePolicy,
} from "./policy.js";
import { readFields } from "./read-fields.js";
import { occupiedSlot, type Slot } from "./slot.js";
import { type DateInput, parseDate, startsOn } from "./slot-grid.js";
import { utcSeedSlot } from "./utc-fast-path.js";

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
   * or offset, or a {@link TimeZoneResolver} per user. Default `"UTC"`.
   */
  readonly timeZone?: string | TimeZoneResolver;
  /** The booking rules. Defaults are the seed's: 30 minutes, on :00/:30, one per calendar date. */
  readonly policy?: PolicyOptions;
  /** What a repeated wall-clock time (clocks going back) means. Default `"earlier"`. */
  readonly ambiguousTime?: AmbiguousTimeRule;
  /** The clock for minimum notice and maximum horizon. Default `Temporal.Now.instant`. */
  readonly now?: () => Temporal.Instant;
  /** Makes appointment ids. Default `crypto.randomUUID`. Ids must be unique and at most 255 characters. */
  readonly generateId?: () => string;
}

/** A half-open range of start and end times for {@link Scheduler.list}: appointments overlapping `[from, to)`. */
export interface ListRange {
  readonly from?: DateTimeInput;
  readonly to?: DateTimeInput;
}

/**
 * Books, lists, moves and cancels appointments under one policy. Every method is async, validates all of
 * its arguments, and fails only with a {@link SchedulerError} subclass.
 */
export interface Scheduler {
  /** The validated policy in force, with defaults filled in. */
  readonly policy: Policy;

  /**
   * Books an appointment for `userId` starting at `start`.
   *
   * @param start - an exact time, or a wall-clock time in the user's zone (see `docs/time-zones.md`).
   * @throws InvalidUserIdError, InvalidDateTimeError, NonexistentLocalTimeError, AmbiguousLocalTimeError,
   *   MisalignedStartError, OutsideBookingWindowError, LimitReachedError (with the conflicting appointment),
   *   StoreUnavailableError, OperationTimedOutError, OperationAbortedError.
   * @example
   * ```ts
   * const appointment = await scheduler.book(42, "2021-04-22 11:30");
   * ```
   */
  book(userId: UserId, start: DateTimeInput, options?: OperationOptions): Promise<Appointment>;

  /** The user's appointments overlapping `range` (all when omitted), sorted by start. */
  list(userId: UserId, range?: ListRange, options?: OperationOptions): Promise<Appointment[]>;

  /** The user's appointment with this id, or `null` (never booked, cancelled, moved, or another user's). */
  get(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment | null>;

  /**
   * Cancels the user's appointment and returns it; its dates become free at once.
   *
   * @throws AppointmentNotFoundError when no such active appointment exists.
   */
  cancel(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment>;

  /**
   * Moves an appointment to `newStart`, atomically: the old appointment is released only if the new time is
   * accepted, and the moved appointment gets a new id. The old appointment never conflicts with its own move.
   *
   * @throws AppointmentNotFoundError when the appointment is not active (never booked, cancelled, already
   *   moved), and every error of {@link Scheduler.book} for the new time.
   */
  reschedule(userId: UserId, id: string, newStart: DateTimeInput, options?: OperationOptions): Promise<Appointment>;

  /**
   * The starts on `date` (the user's local calendar date) that the user could book now, in time order. On a
   * day when clocks go back, both occurrences of a repeated time are listed; times in a gap are not.
   */
  availability(userId: UserId, date: DateInput, options?: OperationOptions): Promise<AvailableSlot[]>;
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

/**
 * `book` and `list` answered in the seed's wire form straight from the store's records, for
 * `appointment-scheduler/http`: the public methods build two `Temporal.ZonedDateTime`s per appointment that
 * an HTTP answer would only format again. Same rules, errors and text as `toWireAppointment` of the public
 * results (property-tested). Internal: the package does not export it.
 */
export interface WireOperations {
  book(userId: UserId, start: DateTimeInput, options?: OperationOptions): Promise<WireAppointment>;
  list(userId: UserId, options?: OperationOptions): Promise<WireAppointment[]>;
}

/**
 * The {@link WireOperations} of a scheduler from {@link createScheduler}; `undefined` for any other
 * scheduler, and for one whose `book` or `list` was replaced (a wrapper that logs or counts must still be
 * called).
 */
export function wireOperationsOf(scheduler: Scheduler): WireOperations | undefined {
  if (!(scheduler instanceof PolicyScheduler)) return undefined;
  const own = PolicyScheduler.prototype;
  if (scheduler.book !== own.book || scheduler.list !== own.list) return undefined;
  return PolicyScheduler.wireOperations(scheduler);
}

/** What the scheduler makes of a stored record for its caller: an `Appointment`, or its wire form. */
type Presenter<T> = (record: AppointmentRecord, timeZone: string) => T;

const MAX_ID_LENGTH = 255;

class PolicyScheduler implements Scheduler {
  readonly policy: Policy;
  readonly #store: AppointmentStore;
  readonly #timeZone: string | TimeZoneResolver;
  readonly #ambiguousTime: AmbiguousTimeRule;
  readonly #now: () => Temporal.Instant;
  readonly #generateId: () => string;

  constructor(options: unknown) {
    if (options === undefined) options = {};
    if (typeof options !== "object" || options === null) {
      throw new InvalidArgumentError("options", "options must be an object");
    }
    const o = readFields(options, ["policy", "store", "timeZone", "ambiguousTime", "now", "generateId"], "options");
    this.policy = resolvePolicy(o.policy);
    this.#store = o.store === undefined ? new MemoryStore() : storeOption(o.store);
    this.#timeZone =
      typeof o.timeZone === "function" ? (o.timeZone as TimeZoneResolver) : validateTimeZone(o.timeZone ?? "UTC");
    this.#ambiguousTime = ambiguousTimeOption(o.ambiguousTime);
    this.#now = functionOption(o.now, "now", () => Temporal.Now.instant());
    this.#generateId = functionOption(o.generateId, "generateId", randomId);
  }

  book(userId: UserId, start: DateTimeInput, options?: OperationOptions): Promise<Appointment> {
    return this.#book(userId, start, options, appointmentFromRecord);
  }

  list(userId: UserId, range?: ListRange, options?: OperationOptions): Promise<Appointment[]> {
    return this.#list(userId, range, options, appointmentFromRecord);
  }

  /** The wire operations of `scheduler`: see {@link wireOperationsOf}. */
  static wireOperations(scheduler: PolicyScheduler): WireOperations {
    return {
      book: (userId, start, options) => scheduler.#book(userId, start, options, wireAppointmentFromRecord),
      list: (userId, options) => scheduler.#list(userId, undefined, options, wireAppointmentFromRecord),
    };
  }

  /** `book`, giving the booked record in the form `present` makes of it. */
  #book<T>(userId: UserId, start: DateTimeInput, options: unknown, present: Presenter<T>): Promise<T> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const timeZone = await this.#timeZoneOf(user, signal);
      return this.#insert(user, this.#acceptableSlot(start, timeZone), timeZone, undefined, signal, present);
    });
  }

  /** `list`, giving each record in the form `present` makes of it. */
  #list<T>(userId: UserId, range: ListRange | undefined, options: unknown, present: Presenter<T>): Promise<T[]> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const timeZone = await this.#timeZoneOf(user, signal);
      const { fromMs, toMs } = this.#rangeBounds(range, timeZone);
      const records = await untilAborted(
        fromStore(() => this.#store.listAppointments(user, { fromMs, toMs }, { signal }), signal),
        signal,
      );
      return records.map((record) => present(record, timeZone));
    });
  }

  get(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment | null> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const appointmentId = appointmentIdOf(id);
      const timeZone = await this.#timeZoneOf(user, signal);
      const record = await untilAborted(
        fromStore(() => this.#store.getAppointment(user, appointmentId, { signal }), signal),
        signal,
      );
      return record ? appointmentFromRecord(record, timeZone) : null;
    });
  }

  cancel(userId: UserId, id: string, options?: OperationOptions): Promise<Appointment> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const appointmentId = appointmentIdOf(id);
      const timeZone = await this.#timeZoneOf(user, signal);
      throwIfAborted(signal);
      // A write: wait for the store's answer even if the signal fires (see operation-options.ts).
      const record = await fromStore(() => this.#store.deleteAppointment(user, appointmentId, { signal }), signal);
      if (!record) throw new AppointmentNotFoundError(appointmentId);
      return appointmentFromRecord(record, timeZone);
    });
  }

  reschedule(userId: UserId, id: string, newStart: DateTimeInput, options?: OperationOptions): Promise<Appointment> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const appointmentId = appointmentIdOf(id);
      const timeZone = await this.#timeZoneOf(user, signal);
      return this.#insert(
        user,
        this.#acceptableSlot(newStart, timeZone),
        timeZone,
        appointmentId,
        signal,
        appointmentFromRecord,
      );
    });
  }

  availability(userId: UserId, date: DateInput, options?: OperationOptions): Promise<AvailableSlot[]> {
    return this.#operation(options, async (signal) => {
      const user = normalizeUserId(userId);
      const day = parseDate(date, "date");
      const timeZone = await this.#timeZoneOf(user, signal);
      const candidates = startsOn(this.policy, day, timeZone).map((start) => ({
        start,
        end: endOf(this.policy, start),
      }));
      const last = candidates.at(-1);
      if (!last) return [];

      // Every record that holds a period any candidate would occupy overlaps, or ends exactly at the start
      // of, the span from the first such period to the last.
      const firstPeriodStart = periodBounds(this.policy, day)[0].toZonedDateTime(timeZone);
      const lastDate = occupiedDates(this.policy, last.start, last.end).at(-1) ?? day;
      const lastPeriodEnd = periodBounds(this.policy, lastDate)[1].toZonedDateTime(timeZone);
      const records = await untilAborted(
        fromStore(
          () =>
            this.#store.listAppointments(
              user,
              { fromMs: firstPeriodStart.epochMilliseconds - 1, toMs: lastPeriodEnd.epochMilliseconds },
              { signal },
            ),
          signal,
        ),
        signal,
      );
      const holders = new Map<string, number>();
      for (const record of records) {
        for (const period of record.periods) holders.set(period, (holders.get(period) ?? 0) + 1);
      }

      const window = this.#bookingWindow(timeZone);
      return candidates.filter(
        ({ start, end }) =>
          window.allows(start) &&
          occupiedPeriods(this.policy, start, end).every(
            (period) => (holders.get(period) ?? 0) < this.policy.limit.max,
          ),
      );
    });
  }

  /** Runs one public operation after validating its options; a fired signal stops it before it starts. */
  #operation<T>(options: unknown, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    // Not async itself, to spare every operation a promise: bad options still arrive as a rejection.
    let signal: AbortSignal | undefined;
    try {
      signal = signalOf(options);
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    return run(signal);
  }

  /** The user's zone: at once for a fixed zone (the common case costs no promise), or from the resolver. */
  #timeZoneOf(userId: string, signal: AbortSignal | undefined): string | Promise<string> {
    if (typeof this.#timeZone === "string") return this.#timeZone;
    return untilAborted(Promise.resolve(this.#timeZone(userId, { signal })), signal).then(validateTimeZone);
  }

  /**
   * Parses a start, checks it against everything but the limit (which the store checks atomically), and
   * gives what the booking would occupy.
   */
  #acceptableSlot(input: unknown, timeZone: string): Slot {
    const fast = timeZone === "UTC" ? utcSeedSlot(input, this.policy) : undefined;
    if (fast) return fast;
    const start = parseDateTime(input, timeZone, this.#ambiguousTime);
    if (!isAligned(this.policy, start)) throw new MisalignedStartError(this.policy.alignmentMinutes);
    this.#bookingWindow(timeZone).check(start);
    return occupiedSlot(this.policy, start);
  }

  /** The minimum-notice and maximum-horizon bounds as of now, in the user's zone. */
  #bookingWindow(timeZone: string) {
    const { minimumNotice, maximumHorizon } = this.policy;
    if (!minimumNotice && !maximumHorizon) return { allows: () => true, check: () => {} };
    const now = this.#currentInstant().toZonedDateTimeISO(timeZone);
    const earliest = minimumNotice ? windowBound(now, minimumNotice) : null;
    const latest = maximumHorizon ? windowBound(now, maximumHorizon) : null;
    const violation = (start: Temporal.ZonedDateTime) => {
      if (earliest && Temporal.ZonedDateTime.compare(start, earliest) < 0) {
        return new OutsideBookingWindowError("minimumNotice", earliest);
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

  /** The one write of a booking or a move: the store checks the limit and commits atomically. */
  async #insert<T>(
    userId: string,
    slot: Slot,
    timeZone: string,
    replaces: string | undefined,
    signal: AbortSignal | undefined,
    present: Presenter<T>,
  ): Promise<T> {
    const { startMs, endMs, periods, holdersStartWithin } = slot;
    const record = { id: this.#newId(), userId, startMs, endMs, periods };
    throwIfAborted(signal);
    // A write: wait for the store's answer even if the signal fires (see operation-options.ts).
    const request = { record, limit: this.policy.limit.max, replaces, holdersStartWithin };
    const result: InsertAppointmentResult = await fromStore(
      () => this.#store.insertAppointment(request, { signal }),
      signal,
    );
    switch (result.status) {
      case "inserted":
        return present(result.record, timeZone);
      case "limit-reached":
        throw new LimitReachedError(result.conflicting, this.policy.limit.per, this.policy.limit.max);
      case "replaced-not-found":
        throw new AppointmentNotFoundError(replaces);
      default:
        throw new StoreUnavailableError("The store answered with an unknown result");
    }
  }

  #currentInstant(): Temporal.Instant {
    const now: unknown = this.#now();
    const ns = temporalKind(now) === "Instant" ? (now as Temporal.Instant).epochNanoseconds : undefined;
    if (typeof ns !== "bigint")
      throw new InvalidArgumentError("options.now", "options.now must return a Temporal.Instant");
    return Temporal.Instant.fromEpochNanoseconds(ns);
  }

  #newId(): string {
    const id: unknown = this.#generateId();
    if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
      throw new InvalidArgumentError(
        "options.generateId",
        "generateId must return a non-empty string of at most 255 characters",
      );
    }
    return id;
  }

  #rangeBounds(range: unknown, timeZone: string): RecordRange {
    if (range === undefined) return {};
    if (typeof range !== "object" || range === null) throw new InvalidArgumentError("range", "range must be an object");
    const { from, to } = readFields(range, ["from", "to"], "range");
    const bound = (value: unknown, name: string) => {
      if (value === undefined) return undefined;
      try {
        return parseDateTime(value, timeZone, "earlier").epochMilliseconds;
      } catch (cause) {
        throw new InvalidArgumentError(`range.${name}`, `range.${name} must be a valid datetime`, { cause });
      }
    };
    return { fromMs: bound(from, "from"), toMs: bound(to, "to") };
  }
}

/**
 * Calls the store and reports its own failures as {@link StoreUnavailableError} (the original kept as
 * `cause`). Typed errors a store throws on purpose pass through unchanged. Errors outside store calls are
 * not wrapped: they are bugs, and must not be disguised as an unavailable store.
 */
async function fromStore<T>(call: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isSchedulerError(error)) throw error;
    // The contract lets a store give up on a write it has not committed once the signal fires: that failure
    // is the caller's timeout or abort, not an unavailable store.
    if (signal?.aborted) throw abortError(signal);
    throw new StoreUnavailableError(undefined, { cause: error });
  }
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

function appointmentIdOf(id: unknown): string {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new InvalidArgumentError("id", "Appointment id must be a non-empty string of at most 255 characters");
  }
  return id;
}

function storeOption(store: unknown): AppointmentStore {
  const methods = ["insertAppointment", "listAppointments", "getAppointment", "deleteAppointment"] as const;
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

function functionOption<T>(value: unknown, name: string, fallback: () => T): () => T {
  if (value === undefined) return fallback;
  if (typeof value !== "function")
    throw new InvalidArgumentError(`options.${name}`, `options.${name} must be a function`);
  return value as () => T;
}
