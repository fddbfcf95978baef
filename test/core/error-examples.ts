/** One instance of every error class, as the library constructs them: shared by the error tests. */
import {
  AmbiguousLocalTimeError,
  AppointmentNotFoundError,
  type ErrorCode,
  InvalidArgumentError,
  InvalidDateTimeError,
  InvalidTimeZoneError,
  InvalidUserIdError,
  LimitReachedError,
  MisalignedStartError,
  NonexistentLocalTimeError,
  OperationAbortedError,
  OperationTimedOutError,
  OutsideBookingWindowError,
  type SchedulerError,
  StoreUnavailableError,
} from "appointment-scheduler";
import { Temporal } from "temporal-polyfill";

export const RECORD = {
  id: "a1",
  userId: "1",
  startMs: Date.UTC(2021, 3, 22, 11, 30),
  endMs: Date.UTC(2021, 3, 22, 12),
  periods: ["day:2021-04-22"],
};

/** One instance of every error class, as the library constructs them. */
export const EXAMPLES: [code: ErrorCode, error: SchedulerError][] = [
  ["INVALID_ARGUMENT", new InvalidArgumentError("options.policy.durationMinutes", "durationMinutes must be …")],
  ["INVALID_USER_ID", new InvalidUserIdError()],
  ["INVALID_TIME_ZONE", new InvalidTimeZoneError("Mars/Olympus_Mons")],
  ["INVALID_DATETIME", new InvalidDateTimeError()],
  ["MISALIGNED_START", new MisalignedStartError(30)],
  ["NONEXISTENT_LOCAL_TIME", new NonexistentLocalTimeError("2021-03-14T02:30:00", "America/New_York")],
  ["AMBIGUOUS_LOCAL_TIME", new AmbiguousLocalTimeError("2021-11-07T01:30:00", "America/New_York")],
  [
    "OUTSIDE_BOOKING_WINDOW",
    new OutsideBookingWindowError("minimumNotice", Temporal.ZonedDateTime.from("2021-04-22T10:00[UTC]")),
  ],
  ["LIMIT_REACHED", new LimitReachedError(RECORD, "day", 1)],
  ["NOT_FOUND", new AppointmentNotFoundError("a1")],
  ["STORE_UNAVAILABLE", new StoreUnavailableError()],
  ["TIMED_OUT", new OperationTimedOutError()],
  ["ABORTED", new OperationAbortedError()],
];
