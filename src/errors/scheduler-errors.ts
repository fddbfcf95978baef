/**
 * Typed errors. Every failure a caller can cause is a {@link SchedulerError} with a stable `code`; each code
 * has its own subclass carrying the details a caller needs to react (the conflicting appointment, the
 * earliest allowed time, …). Messages are for people; programs branch on `code` or `instanceof`.
 *
 * @module
 */
import type { Temporal } from "temporal-polyfill";
import type { Appointment } from "../model/appointment.js";
import type { ErrorCode } from "./error-codes.js";

/** Marks our errors so that {@link isSchedulerError} works across an ESM and a CJS copy of the package. */
const BRAND = Symbol.for("appointment-scheduler.error");

/**
 * The base class of every error this library raises on purpose. `Code` is the literal code of a subclass,
 * so that `error.code === "LIMIT_REACHED"` narrows a {@link KnownSchedulerError} to its class.
 */
export class SchedulerError<Code extends ErrorCode = ErrorCode> extends Error {
  /** The stable code of this error; see `docs/errors.md`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True when `value` is a {@link SchedulerError}, also one made by another loaded copy of this package (an
 * ESM and a CJS copy can both be present, and `instanceof` only knows its own). With `code`, true only for
 * an error of that code. The guard narrows to {@link KnownSchedulerError}, so that a check of `code` then
 * gives the fields of that code's class, whichever copy of the package made the error.
 *
 * @example
 * ```ts
 * try {
 *   await scheduler.book(42, "2021-04-22 11:30");
 * } catch (error) {
 *   if (isSchedulerError(error) && error.code === "LIMIT_REACHED") {
 *     console.log(error.conflicting.start.toString()); // the appointment that holds the date
 *   }
 * }
 * ```
 */
export function isSchedulerError(value: unknown): value is KnownSchedulerError;
export function isSchedulerError<C extends ErrorCode>(value: unknown, code: C): value is SchedulerErrorByCode[C];
export function isSchedulerError(value: unknown, code?: ErrorCode): boolean {
  try {
    const ours = value instanceof SchedulerError || (typeof value === "object" && value !== null && BRAND in value);
    return ours && (code === undefined || (value as SchedulerError).code === code);
  } catch {
    // A Proxy whose traps throw (or a revoked one) is not one of our errors; a type guard must not throw.
    return false;
  }
}

/** An argument or option is not of the documented type or range. */
export class InvalidArgumentError extends SchedulerError<"INVALID_ARGUMENT"> {
  /** The argument's name, as a path (`options.policy.durationMinutes`, `range.from`, …). */
  readonly argument: string;
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super("INVALID_ARGUMENT", message, options);
    this.argument = argument;
  }
}

/** A user id is neither a non-empty string of at most 255 characters nor a safe integer. */
export class InvalidUserIdError extends SchedulerError<"INVALID_USER_ID"> {
  constructor() {
    super("INVALID_USER_ID", "User id must be a non-empty string of at most 255 characters or a safe integer");
  }
}

/** A configured or resolved time zone is not a valid IANA time zone name or UTC offset. */
export class InvalidTimeZoneError extends SchedulerError<"INVALID_TIME_ZONE"> {
  /** The rejected value, as given. */
  readonly timeZone: unknown;
  constructor(timeZone: unknown, options?: { cause?: unknown }) {
    super("INVALID_TIME_ZONE", `Invalid time zone: ${describe(timeZone)}`, options);
    this.timeZone = timeZone;
  }
}

/** A start time is not a supported date-time string, Temporal object or valid `Date`. Seed message. */
export class InvalidDateTimeError extends SchedulerError<"INVALID_DATETIME"> {
  constructor(options?: { cause?: unknown }) {
    super("INVALID_DATETIME", "Appointments must be a valid datetime", options);
  }
}

/** A start time is not on the alignment step in the user's local time, or has seconds or sub-seconds. */
export class MisalignedStartError extends SchedulerError<"MISALIGNED_START"> {
  /** The alignment step in minutes that the start time missed. */
  readonly alignmentMinutes: number;
  constructor(alignmentMinutes: number) {
    super("MISALIGNED_START", misalignedMessage(alignmentMinutes));
    this.alignmentMinutes = alignmentMinutes;
  }
}

/** A wall-clock time that does not exist in the user's time zone (it falls in a daylight-saving gap). */
export class NonexistentLocalTimeError extends SchedulerError<"NONEXISTENT_LOCAL_TIME"> {
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
export class AmbiguousLocalTimeError extends SchedulerError<"AMBIGUOUS_LOCAL_TIME"> {
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
export class OutsideBookingWindowError extends SchedulerError<"OUTSIDE_BOOKING_WINDOW"> {
  /**
   * Which bound was crossed: the policy's `minimumNotice` or `maximumHorizon`, or `"past"` for a start
   * before now under `allowPastStarts: false`.
   */
  readonly bound: BookingWindowBound;
  /** The earliest (`minimumNotice`, `past`) or latest (`maximumHorizon`) start allowed when checked. */
  readonly limit: Temporal.ZonedDateTime;
  constructor(bound: BookingWindowBound, limit: Temporal.ZonedDateTime) {
    super(
      "OUTSIDE_BOOKING_WINDOW",
      bound === "minimumNotice"
        ? "Appointments must be booked with more notice"
        : bound === "past"
          ? "Appointments cannot be booked in the past"
          : "Appointments cannot be booked that far ahead",
    );
    this.bound = bound;
    this.limit = limit;
  }
}

/** The bound of the booking window that a start crossed: see {@link OutsideBookingWindowError.bound}. */
export type BookingWindowBound = "minimumNotice" | "maximumHorizon" | "past";

/** The period (a calendar date, week or month) for which the user has reached the policy's limit. */
export type LimitPeriod = "day" | "week" | "month";

/** The user already has the maximum number of appointments in a period the new one would occupy. */
export class LimitReachedError extends SchedulerError<"LIMIT_REACHED"> {
  /** An appointment (the earliest) that already holds the full period. */
  readonly conflicting: Appointment;
  /** The period of the limit. */
  readonly period: LimitPeriod;
  /** The maximum number of appointments per period. */
  readonly max: number;
  constructor(conflicting: Appointment, period: LimitPeriod, max: number) {
    super("LIMIT_REACHED", limitMessage(period, max));
    this.conflicting = conflicting;
    this.period = period;
    this.max = max;
  }
}

/** No appointment with that id exists for that user (never booked, or another user's). */
export class AppointmentNotFoundError extends SchedulerError<"NOT_FOUND"> {
  /** The id that was looked up. */
  readonly appointmentId: unknown;
  constructor(appointmentId: unknown) {
    super("NOT_FOUND", "Appointment not found");
    this.appointmentId = appointmentId;
  }
}

/**
 * The store failed: it could not be reached, or it raised an error of its own (kept as `cause`). For a
 * write, the store has said that nothing was written; when it cannot say, the error is
 * {@link OutcomeUnknownError} instead.
 */
export class StoreUnavailableError extends SchedulerError<"STORE_UNAVAILABLE"> {
  constructor(message = "The appointment store is unavailable", options?: { cause?: unknown }) {
    super("STORE_UNAVAILABLE", message, options);
  }
}

/** The user already has a booked appointment at a time that overlaps the new one (see `allowOverlap`). */
export class OverlappingAppointmentError extends SchedulerError<"OVERLAPPING_APPOINTMENT"> {
  /** The earliest booked appointment that overlaps. */
  readonly conflicting: Appointment;
  constructor(conflicting: Appointment) {
    super("OVERLAPPING_APPOINTMENT", "User already has an appointment at an overlapping time");
    this.conflicting = conflicting;
  }
}

/** A booking named a resource that the scheduler's `resources` do not define. */
export class UnknownResourceError extends SchedulerError<"UNKNOWN_RESOURCE"> {
  readonly resourceId: string;
  constructor(resourceId: string) {
    super("UNKNOWN_RESOURCE", `No resource "${resourceId}" is defined`);
    this.resourceId = resourceId;
  }
}

/** A booking named an appointment type that `policy.appointmentTypes` does not define. */
export class UnknownAppointmentTypeError extends SchedulerError<"UNKNOWN_APPOINTMENT_TYPE"> {
  readonly appointmentType: string;
  constructor(appointmentType: string) {
    super("UNKNOWN_APPOINTMENT_TYPE", `No appointment type "${appointmentType}" is defined`);
    this.appointmentType = appointmentType;
  }
}

/**
 * The appointment, widened by the resource's buffers, does not lie within one of the resource's working
 * intervals (weekly hours or that date's exception), in the resource's time zone.
 */
export class OutsideResourceHoursError extends SchedulerError<"OUTSIDE_RESOURCE_HOURS"> {
  readonly resourceId: string;
  /** What the resource would be occupied for: the start minus the buffer before to the end plus the buffer after. */
  readonly occupiedFrom: Temporal.ZonedDateTime;
  readonly occupiedUntil: Temporal.ZonedDateTime;
  constructor(resourceId: string, occupiedFrom: Temporal.ZonedDateTime, occupiedUntil: Temporal.ZonedDateTime) {
    super(
      "OUTSIDE_RESOURCE_HOURS",
      `Resource "${resourceId}" does not work from ${occupiedFrom.toPlainDateTime().toString({ smallestUnit: "minute" })} to ${occupiedUntil.toPlainDateTime().toString({ smallestUnit: "minute" })} (${occupiedFrom.timeZoneId})`,
    );
    this.resourceId = resourceId;
    this.occupiedFrom = occupiedFrom;
    this.occupiedUntil = occupiedUntil;
  }
}

/**
 * The resource already has `capacity` appointments at some instant of what the new one would occupy (its
 * times widened by the buffers).
 */
export class ResourceFullError extends SchedulerError<"RESOURCE_FULL"> {
  readonly resourceId: string;
  /**
   * The appointment that fills the resource at the first full instant, when it is the same user's; `null`
   * when it is another user's (whose appointments a user must not see).
   */
  readonly conflicting: Appointment | null;
  constructor(resourceId: string, conflicting: Appointment | null) {
    super("RESOURCE_FULL", `Resource "${resourceId}" is fully booked at that time`);
    this.resourceId = resourceId;
    this.conflicting = conflicting;
  }
}

/** The appointment is cancelled: it can no longer be moved or cancelled. */
export class AppointmentCancelledError extends SchedulerError<"APPOINTMENT_CANCELLED"> {
  /** The cancelled appointment, as it is. */
  readonly appointment: Appointment;
  constructor(appointment: Appointment) {
    super("APPOINTMENT_CANCELLED", "Appointment is cancelled");
    this.appointment = appointment;
  }
}

/**
 * The appointment is a hold (`held`) or a released one: only a booked appointment can be moved or cancelled.
 * Confirm a hold to book it; release it to give it up.
 */
export class AppointmentNotBookedError extends SchedulerError<"APPOINTMENT_NOT_BOOKED"> {
  /** The hold, as it is (unchanged). */
  readonly appointment: Appointment;
  constructor(appointment: Appointment) {
    super(
      "APPOINTMENT_NOT_BOOKED",
      `Appointment is ${appointment.status}, not booked: it cannot be moved or cancelled`,
    );
    this.appointment = appointment;
  }
}

/**
 * `confirm` or `release` named an appointment that is not a hold it can change: one booked directly, cancelled,
 * a released hold (for `confirm`), or a confirmed one changed since (for `release`). A hold confirmed already is
 * no error for `confirm`, nor a released one for `release`: each answers the appointment as it is.
 */
export class NotHeldError extends SchedulerError<"NOT_HELD"> {
  /** The appointment, as it is (unchanged). */
  readonly appointment: Appointment;
  constructor(appointment: Appointment) {
    super("NOT_HELD", `Appointment is ${appointment.status}, not held`);
    this.appointment = appointment;
  }
}

/** The hold expired before `confirm`: its time is no longer reserved; hold or book it again. */
export class HoldExpiredError extends SchedulerError<"HOLD_EXPIRED"> {
  /** The expired hold, as it is (unchanged). */
  readonly appointment: Appointment;
  /** When it expired. */
  readonly expiredAt: Temporal.Instant;
  constructor(appointment: Appointment, expiredAt: Temporal.Instant) {
    super("HOLD_EXPIRED", `The hold expired at ${expiredAt.toString()}`);
    this.appointment = appointment;
    this.expiredAt = expiredAt;
  }
}

/**
 * The appointment has started (or ended): it can no longer be moved or cancelled. Staff can still record a
 * cancellation after the fact with `cancel(…, { allowLate: true })`; it keeps counting toward the limits.
 */
export class AppointmentStartedError extends SchedulerError<"APPOINTMENT_STARTED"> {
  /** The appointment, as it is (unchanged). */
  readonly appointment: Appointment;
  constructor(appointment: Appointment) {
    super("APPOINTMENT_STARTED", "Appointment has already started");
    this.appointment = appointment;
  }
}

/** The policy's notice that a cancellation or a move must give: see {@link TooLateToChangeError.rule}. */
export type ChangeNoticeRule = "cancellationNotice" | "rescheduleNotice";

/**
 * The appointment starts too soon to be cancelled or moved: the policy's `cancellationNotice` or
 * `rescheduleNotice` has run out.
 */
export class TooLateToChangeError extends SchedulerError<"TOO_LATE_TO_CHANGE"> {
  /** Which notice ran out. */
  readonly rule: ChangeNoticeRule;
  /** The last moment the change was allowed: the appointment's start minus the notice, in the user's zone. */
  readonly deadline: Temporal.ZonedDateTime;
  /** The appointment, as it is (unchanged). */
  readonly appointment: Appointment;
  constructor(rule: ChangeNoticeRule, deadline: Temporal.ZonedDateTime, appointment: Appointment) {
    super(
      "TOO_LATE_TO_CHANGE",
      rule === "cancellationNotice"
        ? "It is too late to cancel this appointment"
        : "It is too late to reschedule this appointment",
    );
    this.rule = rule;
    this.deadline = deadline;
    this.appointment = appointment;
  }
}

/** The idempotency key was used for a different request (another operation, time, reason or metadata). */
export class IdempotencyKeyReusedError extends SchedulerError<"IDEMPOTENCY_KEY_REUSED"> {
  /** The key that was reused. */
  readonly idempotencyKey: string;
  constructor(idempotencyKey: string) {
    super("IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used for a different request");
    this.idempotencyKey = idempotencyKey;
  }
}

/**
 * A write may or may not have committed: the store failed without saying which (a connection lost during
 * the commit), or the caller's deadline passed while the store was still writing. Retry the same request
 * with the same idempotency key: it returns the outcome of the write if it committed, and makes it once if
 * it did not. Without a key, read the user's appointments to find out.
 */
export class OutcomeUnknownError extends SchedulerError<"OUTCOME_UNKNOWN"> {
  /** The key to retry with, when the write had one. */
  readonly idempotencyKey: string | null;
  constructor(idempotencyKey: string | null, options?: { cause?: unknown }) {
    super(
      "OUTCOME_UNKNOWN",
      idempotencyKey === null
        ? "The write may or may not have been made; check before retrying"
        : "The write may or may not have been made; retry with the same idempotency key",
      options,
    );
    this.idempotencyKey = idempotencyKey;
  }
}

/** The caller's `AbortSignal` fired for a reason other than a timeout. Nothing was committed. */
export class OperationAbortedError extends SchedulerError<"ABORTED"> {
  constructor(options?: { cause?: unknown }) {
    super("ABORTED", "The operation was aborted", options);
  }
}

/** The caller's `AbortSignal` timed out (for example `AbortSignal.timeout(ms)`). Nothing was committed. */
export class OperationTimedOutError extends SchedulerError<"TIMED_OUT"> {
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

/** Each error code's class: what `isSchedulerError(e) && e.code === C` narrows `e` to. */
export interface SchedulerErrorByCode {
  INVALID_ARGUMENT: InvalidArgumentError;
  INVALID_USER_ID: InvalidUserIdError;
  INVALID_TIME_ZONE: InvalidTimeZoneError;
  INVALID_DATETIME: InvalidDateTimeError;
  MISALIGNED_START: MisalignedStartError;
  NONEXISTENT_LOCAL_TIME: NonexistentLocalTimeError;
  AMBIGUOUS_LOCAL_TIME: AmbiguousLocalTimeError;
  OUTSIDE_BOOKING_WINDOW: OutsideBookingWindowError;
  LIMIT_REACHED: LimitReachedError;
  OVERLAPPING_APPOINTMENT: OverlappingAppointmentError;
  NOT_FOUND: AppointmentNotFoundError;
  UNKNOWN_RESOURCE: UnknownResourceError;
  UNKNOWN_APPOINTMENT_TYPE: UnknownAppointmentTypeError;
  OUTSIDE_RESOURCE_HOURS: OutsideResourceHoursError;
  RESOURCE_FULL: ResourceFullError;
  APPOINTMENT_CANCELLED: AppointmentCancelledError;
  APPOINTMENT_NOT_BOOKED: AppointmentNotBookedError;
  NOT_HELD: NotHeldError;
  HOLD_EXPIRED: HoldExpiredError;
  APPOINTMENT_STARTED: AppointmentStartedError;
  TOO_LATE_TO_CHANGE: TooLateToChangeError;
  IDEMPOTENCY_KEY_REUSED: IdempotencyKeyReusedError;
  STORE_UNAVAILABLE: StoreUnavailableError;
  OUTCOME_UNKNOWN: OutcomeUnknownError;
  TIMED_OUT: OperationTimedOutError;
  ABORTED: OperationAbortedError;
}

/** Any error the library raises on purpose, as a union discriminated by `code`. */
export type KnownSchedulerError = SchedulerErrorByCode[ErrorCode];
