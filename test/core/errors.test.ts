/**
 * The typed errors: one base class with a stable `code`, one subclass per code carrying what a caller needs,
 * `isSchedulerError` that also recognises errors of another loaded copy of the package, and the seed's three
 * messages kept word for word.
 */
import {
  AppointmentCancelledError,
  AppointmentNotFoundError,
  type AppointmentStore,
  createScheduler,
  ERROR_CODES,
  IdempotencyKeyReusedError,
  InvalidArgumentError,
  InvalidDateTimeError,
  InvalidTimeZoneError,
  isSchedulerError,
  LimitReachedError,
  MemoryStore,
  MisalignedStartError,
  NonexistentLocalTimeError,
  OperationTimedOutError,
  OutcomeUnknownError,
  OverlappingAppointmentError,
  SchedulerError,
  StoreUnavailableError,
  type WriteResult,
} from "appointment-scheduler";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "./error-examples.js";
import { expectCode } from "./support.js";

/** An appointment as the library returns it, for the errors that carry one. */
const APPOINTMENT = await createScheduler().book(1, "2021-04-22 11:30");

describe("the class hierarchy", () => {
  it("has one class for every code in the catalogue, and no code without one", () => {
    expect(EXAMPLES.map(([code]) => code)).toEqual(Object.keys(ERROR_CODES));
    expect(new Set(EXAMPLES.map(([, error]) => error.constructor)).size).toBe(EXAMPLES.length);
  });

  it.each(EXAMPLES)("%s: a SchedulerError and an Error, named after its class, with its code", (code, error) => {
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.stack).toContain(error.constructor.name);
    expect(isSchedulerError(error)).toBe(true);
  });

  it("describes every code in one line", () => {
    for (const description of Object.values(ERROR_CODES)) expect(description).toMatch(/^[A-Z].*\.$/);
  });

  it("keeps the cause it is given", () => {
    const cause = new Error("connection reset");
    expect(new StoreUnavailableError(undefined, { cause }).cause).toBe(cause);
    expect(new InvalidDateTimeError({ cause }).cause).toBe(cause);
    expect(new OutcomeUnknownError(null, { cause }).cause).toBe(cause);
  });

  it("carries the details of each failure as properties", () => {
    expect(new InvalidArgumentError("range.from", "m")).toMatchObject({ argument: "range.from" });
    expect(new InvalidTimeZoneError(5)).toMatchObject({ timeZone: 5, message: "Invalid time zone: number" });
    expect(new MisalignedStartError(15)).toMatchObject({ alignmentMinutes: 15 });
    expect(new NonexistentLocalTimeError("2021-03-14T02:30:00", "America/New_York")).toMatchObject({
      localTime: "2021-03-14T02:30:00",
      timeZone: "America/New_York",
    });
    expect(new AppointmentNotFoundError("a1")).toMatchObject({ appointmentId: "a1" });
    expect(new LimitReachedError(APPOINTMENT, "week", 3)).toMatchObject({
      conflicting: APPOINTMENT,
      period: "week",
      max: 3,
    });
    expect(new OverlappingAppointmentError(APPOINTMENT)).toMatchObject({ conflicting: APPOINTMENT });
    expect(new AppointmentCancelledError(APPOINTMENT)).toMatchObject({ appointment: APPOINTMENT });
    expect(new IdempotencyKeyReusedError("9b1f")).toMatchObject({ idempotencyKey: "9b1f" });
    expect(new OutcomeUnknownError("9b1f")).toMatchObject({
      idempotencyKey: "9b1f",
      message: "The write may or may not have been made; retry with the same idempotency key",
    });
    expect(new OutcomeUnknownError(null)).toMatchObject({
      idempotencyKey: null,
      message: "The write may or may not have been made; check before retrying",
    });
  });

  it("keeps a long time zone out of the message", () => {
    const error = new InvalidTimeZoneError("x".repeat(10_000));
    expect(error.message.length).toBeLessThan(100);
  });
});

describe("the seed's messages, word for word", () => {
  it.each([
    ["BAD_INPUT", "INVALID_DATETIME", "Appointments must be a valid datetime"],
    ["2021-04-22 11:03:00", "MISALIGNED_START", "Appointments must start on the hour or half hour"],
    ["2021-04-22 15:00", "LIMIT_REACHED", "User already has an appointment scheduled for this calendar date"],
  ] as const)("%j: %s says %j", async (start, code, message) => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.book(1, start), code);
    expect(error.message).toBe(message);
  });
});

describe("isSchedulerError", () => {
  it("recognises an error of a second copy of the package by its brand, where instanceof cannot", () => {
    // What an ESM and a CJS copy of the package look like to each other: separate classes, same brand.
    class OtherCopyError extends Error {
      readonly code = "LIMIT_REACHED";
      constructor() {
        super("User already has an appointment scheduled for this calendar date");
        Object.defineProperty(this, Symbol.for("appointment-scheduler.error"), { value: true });
      }
    }
    const foreign = new OtherCopyError();
    expect(foreign instanceof SchedulerError).toBe(false);
    expect(isSchedulerError(foreign)).toBe(true);
  });

  it.each([
    ["a plain Error", new Error("Appointments must be a valid datetime")],
    ["a TypeError", new TypeError("x")],
    ["an object with a code", { code: "LIMIT_REACHED", message: "m" }],
    ["an object with another brand", { [Symbol.for("another-package.error")]: true }],
    ["an object with a local symbol of the same name", { [Symbol("appointment-scheduler.error")]: true }],
    ["null", null],
    ["undefined", undefined],
    ["a string", "LIMIT_REACHED"],
    ["a number", 42],
  ])("rejects %s", (_, value) => {
    expect(isSchedulerError(value)).toBe(false);
  });

  // Regression: a Proxy whose traps throw made the type guard itself throw the trap's error.
  it("answers false, never throws, for a Proxy whose traps throw (regression)", () => {
    const hostile = new Proxy(
      {},
      {
        has: () => {
          throw new Error("has trap");
        },
        getPrototypeOf: () => {
          throw new Error("getPrototypeOf trap");
        },
      },
    );
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    expect(isSchedulerError(hostile)).toBe(false);
    expect(isSchedulerError(revocable.proxy)).toBe(false);
  });
});

describe("LimitReachedError carries the conflicting appointment", () => {
  it("is the appointment holding the date, as get returns it", async () => {
    const scheduler = createScheduler({
      generateId: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
    });
    const existing = await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.book(1, "2021-04-22 15:00"), "LIMIT_REACHED");
    expect(error).toBeInstanceOf(LimitReachedError);
    expect((error as LimitReachedError).conflicting).toEqual(existing);
    expect((error as LimitReachedError).conflicting).toEqual(await scheduler.get(1, existing.id));
  });

  it("shows the appointment in the user's zone", async () => {
    const scheduler = createScheduler({ timeZone: "Asia/Kathmandu" });
    const existing = await scheduler.book(1, "2021-04-22 11:30");
    const error = (await expectCode(scheduler.book(1, "2021-04-22 15:00"), "LIMIT_REACHED")) as LimitReachedError;
    expect(error.conflicting.start.toString()).toBe("2021-04-22T11:30:00+05:45[Asia/Kathmandu]");
    expect(error.conflicting).toEqual(existing);
  });

  it("names the appointment of the night before that holds the date until 00:00", async () => {
    const scheduler = createScheduler();
    const overnight = await scheduler.book(1, "2021-04-23 23:30");
    const error = (await expectCode(scheduler.book(1, "2021-04-24 13:00"), "LIMIT_REACHED")) as LimitReachedError;
    expect(error.conflicting).toEqual(overnight);
    expect(error.conflicting.end.toString()).toBe("2021-04-24T00:00:00+00:00[UTC]");
  });

  it("names the earliest of the appointments filling a period", async () => {
    const scheduler = createScheduler({ policy: { limit: { max: 2, per: "week" } } });
    await scheduler.book(1, "2021-04-23 10:00");
    const earliest = await scheduler.book(1, "2021-04-20 10:00");
    const error = (await expectCode(scheduler.book(1, "2021-04-22 10:00"), "LIMIT_REACHED")) as LimitReachedError;
    expect(error).toMatchObject({
      period: "week",
      max: 2,
      message: "User already has 2 appointments scheduled for this week",
    });
    expect(error.conflicting).toEqual(earliest);
  });
});

describe("OverlappingAppointmentError carries the appointment overlapped", () => {
  it("is the earliest booked appointment that overlaps, as get returns it", async () => {
    const scheduler = createScheduler({ policy: { limit: { max: 3, per: "day" }, durationMinutes: 90 } });
    const first = await scheduler.book(1, "2021-04-22 10:00");
    await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:00"), "OVERLAPPING_APPOINTMENT");
    expect(error).toBeInstanceOf(OverlappingAppointmentError);
    expect(error.message).toBe("User already has an appointment at an overlapping time");
    expect((error as OverlappingAppointmentError).conflicting).toEqual(first);
  });
});

describe("AppointmentCancelledError carries the cancelled appointment", () => {
  it("as it is: cancelled, with its reason", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    const cancelled = await scheduler.cancel(1, booked.id, { reason: "feeling better" });
    const error = await expectCode(scheduler.reschedule(1, booked.id, "2021-04-23 11:30"), "APPOINTMENT_CANCELLED");
    expect(error).toBeInstanceOf(AppointmentCancelledError);
    expect(error.message).toBe("Appointment is cancelled");
    expect((error as AppointmentCancelledError).appointment).toEqual(cancelled);
    expect((error as AppointmentCancelledError).appointment).toMatchObject({
      status: "cancelled",
      cancellationReason: "feeling better",
    });
  });
});

describe("IdempotencyKeyReusedError carries the key", () => {
  it("for the same key with another request, whatever the operation", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "9b1f" });
    for (const reuse of [
      () => scheduler.book(1, "2021-04-23 11:30", { idempotencyKey: "9b1f" }),
      () => scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "9b1f", metadata: { a: 1 } }),
      () => scheduler.cancel(1, booked.id, { idempotencyKey: "9b1f" }),
      () => scheduler.reschedule(1, booked.id, "2021-04-22 11:30", { idempotencyKey: "9b1f" }),
    ]) {
      const error = await expectCode(reuse(), "IDEMPOTENCY_KEY_REUSED");
      expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
      expect(error).toMatchObject({ idempotencyKey: "9b1f" });
    }
    expect((await scheduler.list(1)).appointments).toEqual([booked]);
  });
});

describe("store failures", () => {
  /** A store over a MemoryStore whose writes and reads fail with `failure`: rejecting, or throwing at once. */
  const failing = (failure: unknown, how: "reject" | "throw" = "reject"): AppointmentStore => {
    const memory = new MemoryStore();
    const fail = () => {
      if (how === "throw") throw failure; // synchronously, not even a rejected promise
      return Promise.reject(failure);
    };
    return {
      write: fail,
      listAppointments: fail,
      listResourceAppointments: fail,
      getAppointment: (userId, id) => memory.getAppointment(userId, id),
      readChanges: fail,
      purgeExpired: fail,
    };
  };

  it("reports a read's failure as STORE_UNAVAILABLE, keeping it as the cause", async () => {
    const failure = new Error("connection refused");
    const scheduler = createScheduler({ store: failing(failure) });
    for (const read of [
      () => scheduler.list(1),
      () => scheduler.availability(1, "2021-04-22"),
      () => scheduler.changes(),
      () => scheduler.purgeExpired(),
    ]) {
      const error = await expectCode(read(), "STORE_UNAVAILABLE");
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.cause).toBe(failure);
    }
  });

  it("reports a write's raw failure as OUTCOME_UNKNOWN (the store did not say nothing was written), keeping the cause", async () => {
    const failure = new Error("connection refused");
    const scheduler = createScheduler({ store: failing(failure) });
    for (const write of [
      () => scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" }),
      () => scheduler.cancel(1, "a1", { idempotencyKey: "k" }),
      () => scheduler.reschedule(1, "a1", "2021-04-22 11:30", { idempotencyKey: "k" }),
    ]) {
      const error = await expectCode(write(), "OUTCOME_UNKNOWN");
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error).toMatchObject({ idempotencyKey: "k" });
      expect(error.cause).toBe(failure);
    }
  });

  it("reports non-Error throws of a store the same way", async () => {
    const scheduler = createScheduler({ store: failing("down") });
    expect((await expectCode(scheduler.book(1, "2021-04-22 11:30"), "OUTCOME_UNKNOWN")).cause).toBe("down");
    expect((await expectCode(scheduler.list(1), "STORE_UNAVAILABLE")).cause).toBe("down");
  });

  it("reports a store that throws synchronously as it reports a rejection", async () => {
    const failure = new Error("pool destroyed");
    const scheduler = createScheduler({ store: failing(failure, "throw") });
    expect((await expectCode(scheduler.book(1, "2021-04-22 11:30"), "OUTCOME_UNKNOWN")).cause).toBe(failure);
    expect((await expectCode(scheduler.list(1), "STORE_UNAVAILABLE")).cause).toBe(failure);
  });

  it("passes a SchedulerError a store throws on purpose through unchanged, for writes and reads", async () => {
    const own = new OperationTimedOutError();
    const scheduler = createScheduler({ store: failing(own) });
    await expect(scheduler.book(1, "2021-04-22 11:30")).rejects.toBe(own);
    await expect(scheduler.list(1)).rejects.toBe(own);
    const unavailable = new StoreUnavailableError("refused before writing");
    await expect(createScheduler({ store: failing(unavailable) }).book(1, "2021-04-22 11:30")).rejects.toBe(
      unavailable,
    );
  });

  it("reports an unknown answer from a store's write as OUTCOME_UNKNOWN", async () => {
    const memory = new MemoryStore();
    const store: AppointmentStore = {
      write: async () => ({ status: "maybe" }) as unknown as WriteResult,
      listAppointments: (userId, query) => memory.listAppointments(userId, query),
      listResourceAppointments: (resourceId, query) => memory.listResourceAppointments(resourceId, query),
      getAppointment: (userId, id) => memory.getAppointment(userId, id),
      readChanges: (query) => memory.readChanges(query),
      purgeExpired: (nowMs) => memory.purgeExpired(nowMs),
    };
    const error = await expectCode(createScheduler({ store }).book(1, "2021-04-22 11:30"), "OUTCOME_UNKNOWN");
    expect(error).toMatchObject({ idempotencyKey: null });
  });
});
