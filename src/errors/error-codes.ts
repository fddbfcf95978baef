/**
 * The catalogue of every error code the library raises. One place, so that the docs, the HTTP mapping and
 * the classes cannot drift apart: `docs/errors.md` is checked against this list by a test.
 *
 * @module
 */

/** Every stable error code, with a one-line description of when it is raised. */
export const ERROR_CODES = {
  INVALID_ARGUMENT: "An argument or option is not of the documented type or range.",
  INVALID_USER_ID: "A user id is neither a non-empty string of at most 255 characters nor a safe integer.",
  INVALID_TIME_ZONE: "A time zone (configured or resolved for a user) is not a valid IANA zone or offset.",
  INVALID_DATETIME:
    "A start time is not a supported ISO 8601 / RFC 3339 / RFC 9557 string, Temporal object or valid Date.",
  MISALIGNED_START: "A start time is not on the alignment step in the user's local time, or has seconds.",
  NONEXISTENT_LOCAL_TIME: "A wall-clock start time falls in a daylight-saving gap of the user's time zone.",
  AMBIGUOUS_LOCAL_TIME: "A wall-clock start time occurs twice and the scheduler is set to reject ambiguity.",
  OUTSIDE_BOOKING_WINDOW:
    "A start time is sooner than the minimum notice, later than the maximum horizon, or in the past when refused.",
  LIMIT_REACHED: "The user already has the maximum number of appointments in a period the new one occupies.",
  OVERLAPPING_APPOINTMENT: "The user already has a booked appointment at a time that overlaps the new one.",
  NOT_FOUND: "No appointment with that id exists for that user.",
  UNKNOWN_RESOURCE: "A booking named a resource that the scheduler's resources do not define.",
  UNKNOWN_APPOINTMENT_TYPE: "A booking named an appointment type that the policy does not define.",
  OUTSIDE_RESOURCE_HOURS:
    "The appointment, with the resource's buffers, does not lie within the resource's working hours on that date.",
  RESOURCE_FULL: "The resource already has as many appointments as its capacity at some instant of the new one.",
  APPOINTMENT_CANCELLED: "The appointment is cancelled: it can no longer be moved or cancelled.",
  APPOINTMENT_NOT_BOOKED:
    "The appointment is a hold or a released hold: only a booked one can be moved or cancelled (confirm a hold first).",
  NOT_HELD: "The appointment is not a hold that can be confirmed or released: it was booked, cancelled or released.",
  HOLD_EXPIRED: "The hold expired before it was confirmed: its time is no longer reserved.",
  APPOINTMENT_STARTED: "The appointment has started or ended: it can no longer be moved or cancelled.",
  TOO_LATE_TO_CHANGE: "The appointment starts too soon to be cancelled or moved under the policy's notice.",
  IDEMPOTENCY_KEY_REUSED: "The idempotency key was used for a different request within its retention.",
  STORE_UNAVAILABLE: "The appointment store failed, and nothing was written.",
  OUTCOME_UNKNOWN:
    "The store could not tell whether a write committed; a retry with the same idempotency key settles it.",
  TIMED_OUT: "The operation's AbortSignal fired because its time ran out, and nothing was written.",
  ABORTED: "The operation's AbortSignal fired for another reason, and nothing was written.",
} as const;

/** A stable error code: branch on this (or on `instanceof`), never on message text. */
export type ErrorCode = keyof typeof ERROR_CODES;
