/**
 * One instance of every error class, each produced by a real call of the library that fails with it (not
 * constructed by hand): shared by the error tests and the check of docs/errors.md.
 */
import {
  type AppointmentStore,
  createScheduler,
  type ErrorCode,
  isSchedulerError,
  type SchedulerError,
} from "appointment-scheduler";
import { Temporal } from "temporal-polyfill";
import { storeOver } from "./support.js";

/** The error `run` fails with, synchronously or as a rejection; throws if it does not fail with a SchedulerError. */
async function failureOf(run: () => unknown): Promise<SchedulerError> {
  try {
    await run();
  } catch (error) {
    if (isSchedulerError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/** A MemoryStore whose reads or writes fail with a raw error, as a driver's would. */
function failingStore(failing: "reads" | "writes"): AppointmentStore {
  const failure = () => Promise.reject(new Error("connection refused"));
  return storeOver(
    failing === "writes"
      ? { write: failure }
      : { listAppointments: failure, getAppointment: failure, readChanges: failure, purgeExpired: failure },
  );
}

const START = "2021-04-22 11:30";

/** A scheduler with one appointment, booked at {@link START} for user 1 under `policy`. */
async function withOneBooked(policy?: Parameters<typeof createScheduler>[0]) {
  const scheduler = createScheduler(policy);
  const booked = await scheduler.book(1, START);
  return { scheduler, booked };
}

/** One instance of every error class, in catalogue order, as the library raises it. */
export const EXAMPLES: [code: ErrorCode, error: SchedulerError][] = [
  ["INVALID_ARGUMENT", await failureOf(() => createScheduler({ policy: { durationMinutes: 0 } }))],
  ["INVALID_USER_ID", await failureOf(() => createScheduler().book("", START))],
  ["INVALID_TIME_ZONE", await failureOf(() => createScheduler({ timeZone: "Mars/Olympus_Mons" }))],
  ["INVALID_DATETIME", await failureOf(() => createScheduler().book(1, "BAD_INPUT"))],
  ["MISALIGNED_START", await failureOf(() => createScheduler().book(1, "2021-04-22 11:03"))],
  [
    "NONEXISTENT_LOCAL_TIME",
    await failureOf(() => createScheduler({ timeZone: "America/New_York" }).book(1, "2021-03-14 02:30")),
  ],
  [
    "AMBIGUOUS_LOCAL_TIME",
    await failureOf(() =>
      createScheduler({ timeZone: "America/New_York", ambiguousTime: "reject" }).book(1, "2021-11-07 01:30"),
    ),
  ],
  [
    "OUTSIDE_BOOKING_WINDOW",
    await failureOf(() =>
      createScheduler({
        policy: { minimumNotice: { hours: 2 } },
        now: () => Temporal.Instant.from("2021-04-22T10:00:00Z"),
      }).book(1, "2021-04-22 11:30"),
    ),
  ],
  [
    "LIMIT_REACHED",
    await failureOf(async () => {
      const { scheduler } = await withOneBooked();
      return scheduler.book(1, "2021-04-22 15:00");
    }),
  ],
  [
    "OVERLAPPING_APPOINTMENT",
    await failureOf(async () => {
      const { scheduler } = await withOneBooked({ policy: { limit: { max: 2, per: "day" }, durationMinutes: 60 } });
      return scheduler.book(1, "2021-04-22 12:00");
    }),
  ],
  ["NOT_FOUND", await failureOf(() => createScheduler().cancel(1, "a1"))],
  ["UNKNOWN_RESOURCE", await failureOf(() => createScheduler().book(1, START, { resource: "dr-who" }))],
  ["UNKNOWN_APPOINTMENT_TYPE", await failureOf(() => createScheduler().book(1, START, { type: "surgery" }))],
  [
    "OUTSIDE_RESOURCE_HOURS",
    await failureOf(() =>
      createScheduler({ resources: { gp: { timeZone: "UTC", weeklyHours: { monday: [["09:00", "17:00"]] } } } }).book(
        1,
        START,
        { resource: "gp" },
      ),
    ),
  ],
  [
    "RESOURCE_FULL",
    await failureOf(async () => {
      const scheduler = createScheduler({
        resources: { gp: { timeZone: "UTC", weeklyHours: { thursday: [["09:00", "17:00"]] } } },
      });
      await scheduler.book(1, START, { resource: "gp" });
      return scheduler.book(2, START, { resource: "gp" });
    }),
  ],
  [
    "APPOINTMENT_CANCELLED",
    await failureOf(async () => {
      const { scheduler, booked } = await withOneBooked();
      await scheduler.cancel(1, booked.id, { reason: "feeling better" });
      return scheduler.cancel(1, booked.id);
    }),
  ],
  [
    "APPOINTMENT_NOT_BOOKED",
    await failureOf(async () => {
      const scheduler = createScheduler();
      const hold = await scheduler.hold(1, START);
      return scheduler.cancel(1, hold.id);
    }),
  ],
  [
    "NOT_HELD",
    await failureOf(async () => {
      const { scheduler, booked } = await withOneBooked();
      return scheduler.confirm(1, booked.id);
    }),
  ],
  [
    "HOLD_EXPIRED",
    await failureOf(async () => {
      let now = Temporal.Instant.from("2021-04-22T09:00Z");
      const scheduler = createScheduler({ now: () => now });
      const hold = await scheduler.hold(1, START, { ttl: { minutes: 5 } });
      now = now.add({ minutes: 5 });
      return scheduler.confirm(1, hold.id);
    }),
  ],
  [
    "APPOINTMENT_STARTED",
    await failureOf(async () => {
      const { scheduler, booked } = await withOneBooked({ now: () => Temporal.Instant.from("2021-04-22T11:45Z") });
      return scheduler.cancel(1, booked.id);
    }),
  ],
  [
    "TOO_LATE_TO_CHANGE",
    await failureOf(async () => {
      const { scheduler, booked } = await withOneBooked({
        now: () => Temporal.Instant.from("2021-04-22T09:00Z"),
        policy: { cancellationNotice: { hours: 24 } },
      });
      return scheduler.cancel(1, booked.id);
    }),
  ],
  [
    "IDEMPOTENCY_KEY_REUSED",
    await failureOf(async () => {
      const scheduler = createScheduler();
      await scheduler.book(1, START, { idempotencyKey: "9b1f" });
      return scheduler.book(1, "2021-04-23 11:30", { idempotencyKey: "9b1f" });
    }),
  ],
  ["STORE_UNAVAILABLE", await failureOf(() => createScheduler({ store: failingStore("reads") }).list(1))],
  [
    "OUTCOME_UNKNOWN",
    await failureOf(() =>
      createScheduler({ store: failingStore("writes") }).book(1, START, { idempotencyKey: "9b1f" }),
    ),
  ],
  [
    "TIMED_OUT",
    await failureOf(() =>
      createScheduler().book(1, START, { signal: AbortSignal.abort(new DOMException("deadline", "TimeoutError")) }),
    ),
  ],
  ["ABORTED", await failureOf(() => createScheduler().book(1, START, { signal: AbortSignal.abort() }))],
];
