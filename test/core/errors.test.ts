/**
 * The typed errors: one base class with a stable `code`, one subclass per code carrying what a caller needs,
 * `isSchedulerError` that also recognises errors of another loaded copy of the package, and the seed's three
 * messages kept word for word.
 */
import {
  AppointmentNotFoundError,
  type AppointmentStore,
  createScheduler,
  ERROR_CODES,
  InvalidArgumentError,
  InvalidDateTimeError,
  InvalidTimeZoneError,
  isSchedulerError,
  LimitReachedError,
  MemoryStore,
  MisalignedStartError,
  NonexistentLocalTimeError,
  OperationTimedOutError,
  SchedulerError,
  StoreUnavailableError,
} from "appointment-scheduler";
import { describe, expect, it } from "vitest";
import { EXAMPLES, RECORD } from "./error-examples.js";
import { expectCode } from "./support.js";

describe("the class hierarchy", () => {
  it("has one class for every code in the catalogue, and no code without one", () => {
    expect(EXAMPLES.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
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
    expect(new LimitReachedError(RECORD, "week", 3)).toMatchObject({ conflicting: RECORD, period: "week", max: 3 });
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

describe("LimitReachedError carries the conflicting appointment's record", () => {
  it("is the record of the appointment holding the date", async () => {
    const scheduler = createScheduler({
      generateId: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
    });
    const existing = await scheduler.book(1, "2021-04-22 11:30");
    const error = await expectCode(scheduler.book(1, "2021-04-22 15:00"), "LIMIT_REACHED");
    expect(error).toBeInstanceOf(LimitReachedError);
    expect((error as LimitReachedError).conflicting).toEqual({
      id: existing.id,
      userId: "1",
      startMs: existing.start.epochMilliseconds,
      endMs: existing.end.epochMilliseconds,
      periods: ["day:2021-04-22"],
    });
  });

  it("names the appointment of the night before that holds the date until 00:00", async () => {
    const scheduler = createScheduler();
    const overnight = await scheduler.book(1, "2021-04-23 23:30");
    const error = (await expectCode(scheduler.book(1, "2021-04-24 13:00"), "LIMIT_REACHED")) as LimitReachedError;
    expect(error.conflicting).toMatchObject({ id: overnight.id, periods: ["day:2021-04-23", "day:2021-04-24"] });
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
    expect(error.conflicting.id).toBe(earliest.id);
  });
});

describe("store failures", () => {
  const failing = (failure: unknown): AppointmentStore => {
    const memory = new MemoryStore();
    return {
      insertAppointment: () => Promise.reject(failure),
      listAppointments: () => Promise.reject(failure),
      getAppointment: (userId, id) => memory.getAppointment(userId, id),
      deleteAppointment: () => {
        throw failure; // synchronously, not even a rejected promise
      },
    };
  };

  it("reports a store's own failure as STORE_UNAVAILABLE, keeping it as the cause", async () => {
    const failure = new Error("connection refused");
    const scheduler = createScheduler({ store: failing(failure) });
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:30"), "STORE_UNAVAILABLE");
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error.cause).toBe(failure);
    expect((await expectCode(scheduler.list(1), "STORE_UNAVAILABLE")).cause).toBe(failure);
    expect((await expectCode(scheduler.availability(1, "2021-04-22"), "STORE_UNAVAILABLE")).cause).toBe(failure);
    expect((await expectCode(scheduler.cancel(1, "a1"), "STORE_UNAVAILABLE")).cause).toBe(failure);
  });

  it("reports non-Error throws of a store the same way", async () => {
    const scheduler = createScheduler({ store: failing("down") });
    expect((await expectCode(scheduler.book(1, "2021-04-22 11:30"), "STORE_UNAVAILABLE")).cause).toBe("down");
  });

  it("passes a SchedulerError a store throws on purpose through unchanged", async () => {
    const own = new OperationTimedOutError();
    const scheduler = createScheduler({ store: failing(own) });
    await expect(scheduler.book(1, "2021-04-22 11:30")).rejects.toBe(own);
  });

  it("reports an unknown answer from a store as STORE_UNAVAILABLE", async () => {
    const memory = new MemoryStore();
    const store: AppointmentStore = {
      insertAppointment: async () => ({ status: "maybe" }) as never,
      listAppointments: (userId, range) => memory.listAppointments(userId, range),
      getAppointment: (userId, id) => memory.getAppointment(userId, id),
      deleteAppointment: (userId, id) => memory.deleteAppointment(userId, id),
    };
    await expectCode(createScheduler({ store }).book(1, "2021-04-22 11:30"), "STORE_UNAVAILABLE");
  });
});
