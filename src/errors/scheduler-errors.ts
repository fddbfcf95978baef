/**
 * Typed errors. Every failure a caller can cause is a {@link SchedulerError} with a stable `code`; each code
 * has its own subclass carrying the details a caller needs to react (the conflicting appointment, the
 * earliest allowed time, …). Messages are for people; programs branch on `code` or `instanceof`.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import type { AppointmentRecord } from "../store/appointment-store.js";
import type { ErrorCode } from "./error-codes.js";

/** Marks our errors so that {@link isSchedulerError} works across an ESM and a CJS copy of the package. */
const BRAND = Symbol.for("appointment-scheduler.error");

/** The base class of every error this library raises on purpose. */
export class SchedulerError extends Error {
  /** The stable code of this error; see `docs/errors.md`. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True when `value` is a {@link SchedulerError}, also one made by another loaded copy of this package (an
 * ESM and a CJS copy can both be present, and `instanceof` only knows its own).
 *
 * @example
 * ```ts
 * try { await scheduler.book(42, "2021-04-22 11:30"); }
 * catch (error) { if (isSchedulerError(error) && error.code === "LIMIT_REACHED") { ... } }
 * ```
 */
export function isSchedulerError(value: unknown): value is SchedulerError {
  try {
    return value instanceof SchedulerError || (typeof value === "object" && value !== null && BRAND in value);
  } catch {
    // A Proxy whose traps throw (or a revoked one) is not one of our errors; a type guard must not throw.
    return false;
  }
}

/** An argument or option is not of the documented type or range. */
export class InvalidArgumentError extends SchedulerError {
  /** The argument's name, as a path (`options.policy.durationMinutes`, `range.from`, …). */
  readonly argument: string;
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super("INVALID_ARGUMENT", message, options);
    this.argument = argument;
  }
}

/** A user id is neither a non-empty string of at most 255 characters nor a safe integer. */
export class InvalidUserIdError extends SchedulerError {
  constructor() {
    super("INVALID_USER_ID", "User id must be a non-empty string of at most 255 characters or a safe integer");
  }
}

/** A configured or resolved time zone is not a valid IANA time zone name or UTC offset. */
export class InvalidTimeZoneError extends SchedulerError {
  /** The rejected value, as given. */
  readonly timeZone: unknown;
  constructor(timeZone: unknown, options?: { cause?: unknown }) {
    super("INVALID_TIME_ZONE", `Invalid time zone: ${describe(timeZone)}`, options);
    this.timeZone = timeZone;
  }
}

/** A start time is not a supported date-time string, Temporal object or valid `Date`. Seed message. */
export class InvalidDateTimeError extends SchedulerError {
  constructor(options?: { cause?: unknown }) {
    super("INVALID_DATETIME", "Appointments must be a valid datetime", options);
  }
}

/** A start time is not on the alignment step in the user's local time, or has seconds or sub-seconds. */
export class MisalignedStartError extends SchedulerError {
  /** The alignment step in minutes that the start time missed. */
  readonly alignmentMinutes: number;
  constructor(alignmentMinutes: number) {
    super("MISALIGNED_START", misalignedMessage(alignmentMinutes));
    this.alignmentMinutes = alignmentMinutes;
  }
}

/** A wall-clock time that does not exist in the user's time zone (it falls in a daylight-saving gap). */
export class NonexistentLocalTimeError extends SchedulerError {
  /** The wall-clock time that was asked for, `YYYY-MM-DDTHH:mm:ss`. */
  readonly localTime: string;
  /** The time zone in which it does not exist. */
  readonly timeZone: string;
  constructor(localTime: string, timeZone: string) {
    super("NONEXISTENT_LOCAL_TIME", `${localTime} does not exist in ${timeZone} (daylight-saving gap)`);
    this.localTime = localTime;
    this.timeZone = timeZone;
  }
}

/** A wall-clock time that occurs twice, when the scheduler is configured with `ambiguousTime: "reject"`. */
export class AmbiguousLocalTimeError extends SchedulerError {
  /** The wall-clock time that was asked for, `YYYY-MM-DDTHH:mm:ss`. */
  readonly localTime: string;
  /** The time zone in which it occurs twice. */
  readonly timeZone: string;
  constructor(localTime: string, timeZone: string) {
    super(
      "AMBIGUOUS_LOCAL_TIME",
      `${localTime} occurs twice in ${timeZone}; give a UTC offset to choose one occurrence`,
    );
    this.localTime = localTime;
    this.timeZone = timeZone;
  }
}

/** A start time sooner than the policy's minimum notice or later than its maximum horizon. */
export class OutsideBookingWindowError extends SchedulerError {
  /** Which bound was crossed. */
  readonly bound: "minimumNotice" | "maximumHorizon";
  /** The earliest (for `minimumNotice`) or latest (for `maximumHorizon`) start allowed when checked. */
  readonly limit: Temporal.ZonedDateTime;
  constructor(bound: "minimumNotice" | "maximumHorizon", limit: Temporal.ZonedDateTime) {
    super(
      "OUTSIDE_BOOKING_WINDOW",
      bound === "minimumNotice"
        ? "Appointments must be booked with more notice"
        : "Appointments cannot be booked that far ahead",
    );
    this.bound = bound;
    this.limit = limit;
  }
}

/** The period (a calendar date, week or month) for which the user has reached the policy's limit. */
export type LimitPeriod = "day" | "week" | "month";

/** The user already has the maximum number of appointments in a period the new one would occupy. */
export class LimitReachedError extends SchedulerError {
  /** An appointment (the earliest) that already holds the full period. */
  readonly conflicting: AppointmentRecord;
  /** The period of the limit. */
  readonly period: LimitPeriod;
  /** The maximum number of appointments per period. */
  readonly max: number;
  constructor(conflicting: AppointmentRecord, period: LimitPeriod, max: number) {
    super("LIMIT_REACHED", limitMessage(period, max));
    this.conflicting = conflicting;
    this.period = period;
    this.max = max;
  }
}

/** No active appointment with that id exists for that user (never booked, cancelled, or moved). */
export class AppointmentNotFoundError extends SchedulerError {
  /** The id that was looked up. */
  readonly appointmentId: unknown;
  constructor(appointmentId: unknown) {
    super("NOT_FOUND", "Appointment not found");
    this.appointmentId = appointmentId;
  }
}

/** The store failed: it could not be reached, or it raised an error of its own (kept as `cause`). */
export class StoreUnavailableError extends SchedulerError {
  constructor(message = "The appointment store is unavailable", options?: { cause?: unknown }) {
    super("STORE_UNAVAILABLE", message, options);
  }
}

/** The caller's `AbortSignal` fired for a reason other than a timeout. Nothing was committed. */
export class OperationAbortedError extends SchedulerError {
  constructor(options?: { cause?: unknown }) {
    super("ABORTED", "The operation was aborted", options);
  }
}

/** The caller's `AbortSignal` timed out (for example `AbortSignal.timeout(ms)`). Nothing was committed. */
export class OperationTimedOutError extends SchedulerError {
  constructor(options?: { cause?: unknown }) {
    super("TIMED_OUT", "The operation timed out", options);
  }
}

function misalignedMessage(alignmentMinutes: number): string {
  if (alignmentMinutes === 30) return "Appointments must start on the hour or half hour";
  if (alignmentMinutes === 60) return "Appointments must start on the hour";
  return `Appointments must start on a multiple of ${alignmentMinutes} minutes after midnight`;
}

function limitMessage(period: LimitPeriod, max: number): string {
  const where = period === "day" ? "calendar date" : period;
  if (max === 1) return `User already has an appointment scheduled for this ${where}`;
  return `User already has ${max} appointments scheduled for this ${where}`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  return typeof value;
}
