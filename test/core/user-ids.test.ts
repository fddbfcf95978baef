/**
 * User ids: non-empty strings of at most 255 characters (UUID-ready; well-formed Unicode without NUL, which
 * every store keeps exactly) and safe integers, one canonical string form (`42` and `"42"` are one user);
 * anything else is INVALID_USER_ID from every operation.
 */
import { createScheduler, InvalidUserIdError, type Scheduler, type UserId } from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode, settableClock, storeOver } from "./support.js";

const START = "2021-04-22 11:30";
const DATE = "2021-04-22";

/** Every operation, called for `userId` with otherwise valid arguments. */
const operations: [name: string, call: (s: Scheduler, userId: UserId) => Promise<unknown>][] = [
  ["book", (s, u) => s.book(u, START)],
  ["list", (s, u) => s.list(u)],
  ["get", (s, u) => s.get(u, "some-id")],
  ["cancel", (s, u) => s.cancel(u, "some-id")],
  ["reschedule", (s, u) => s.reschedule(u, "some-id", START)],
  ["availability", (s, u) => s.availability(u, DATE)],
];

describe("accepted user ids", () => {
  it.each([
    ["a small integer", 1, "1"],
    ["zero", 0, "0"],
    ["negative zero, the same number as zero", -0, "0"],
    ["a negative integer", -7, "-7"],
    ["the largest safe integer", Number.MAX_SAFE_INTEGER, "9007199254740991"],
    ["the smallest safe integer", Number.MIN_SAFE_INTEGER, "-9007199254740991"],
    ["a UUID", "0b9e6a3c-5d8f-4c1e-9a7b-2f6d8e1c3a5b", "0b9e6a3c-5d8f-4c1e-9a7b-2f6d8e1c3a5b"],
    ["a one-character string", "a", "a"],
    ["a string of 255 characters", "u".repeat(255), "u".repeat(255)],
    ["a string of spaces (opaque, not trimmed)", "  ", "  "],
    ["a string with non-ASCII characters", "usér-😀", "usér-😀"],
  ])("accepts %s and reports it in canonical form", async (_, userId, canonical) => {
    const scheduler = createScheduler();
    const appointment = await scheduler.book(userId, START);
    expect(appointment.userId).toBe(canonical);
    expect((await scheduler.list(userId)).appointments).toEqual([appointment]);
    expect(await scheduler.get(canonical, appointment.id)).toEqual(appointment);
  });

  it("treats 42 and '42' as one user, for the limit and for ownership", async () => {
    // A clock before the appointment, which can then still be cancelled.
    const scheduler = createScheduler({ now: settableClock("2021-04-01T00:00:00Z").now });
    const appointment = await scheduler.book(42, START);
    await expectCode(scheduler.book("42", "2021-04-22 15:00"), "LIMIT_REACHED");
    const cancelled = await scheduler.cancel("42", appointment.id);
    expect(cancelled).toMatchObject({ id: appointment.id, userId: "42", status: "cancelled" });
    expect(await scheduler.get(42, appointment.id)).toEqual(cancelled);
  });

  it("keeps users apart: '042', ' 42' and '42.0' are not user 42", async () => {
    const scheduler = createScheduler();
    await scheduler.book(42, START);
    for (const other of ["042", " 42", "42.0", "4.2e1"]) {
      await expect(scheduler.book(other, START)).resolves.toMatchObject({ userId: other });
    }
  });

  it("accepts every well-formed string of 1 to 255 characters without NUL, and every safe integer (property)", async () => {
    const scheduler = createScheduler();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc
            .string({ minLength: 1, maxLength: 255, unit: "binary" })
            .filter((id) => id.isWellFormed() && !id.includes("\u0000")),
          fc.maxSafeInteger(),
        ),
        async (userId) => {
          const canonical = String(userId);
          expect((await scheduler.list(userId)).appointments.every((a) => a.userId === canonical)).toBe(true);
          const slots = await scheduler.availability(userId, DATE);
          expect(slots.length === 0 || slots.length === 48).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("rejected user ids", () => {
  const invalid: [string, unknown][] = [
    ["the empty string", ""],
    ["a string of 256 characters", "u".repeat(256)],
    ["a fraction", 1.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["an unsafe integer", 2 ** 53],
    ["a bigint", 42n],
    ["null", null],
    ["undefined", undefined],
    ["a boolean", true],
    ["an object", { id: 42 }],
    ["an array", [42]],
    ["a boxed string", Object("42")],
    ["a boxed number", Object(42)],
    ["a symbol", Symbol("42")],
    ["a function", () => 42],
    ["a Date", new Date(0)],
    // What a store cannot keep exactly: PostgreSQL stores both surrogates as U+FFFD (one calendar for two
    // users), and refuses a NUL in text.
    ["a lone high surrogate", "\ud800"],
    ["a lone low surrogate", "\udc00"],
    ["a lone surrogate among other characters", "user-\udfff-1"],
    ["surrogates in the wrong order", "\udc00\ud800"],
    ["a NUL character", "\u0000"],
    ["a NUL inside", "x\u0000y"],
  ];

  for (const [operation, call] of operations) {
    it.each(invalid)(`${operation} rejects %s with INVALID_USER_ID`, async (_, userId) => {
      const scheduler = createScheduler();
      const error = await expectCode(call(scheduler, userId as UserId), "INVALID_USER_ID");
      expect(error).toBeInstanceOf(InvalidUserIdError);
      expect(error.message).toBe("User id must be a non-empty string of at most 255 characters or a safe integer");
    });
  }

  it("checks the user id before anything else, and writes nothing", async () => {
    const scheduler = createScheduler();
    await expectCode(scheduler.book(Number.NaN, "BAD_INPUT"), "INVALID_USER_ID");
    await expectCode(scheduler.availability(null as never, "not a date"), "INVALID_USER_ID");
    await expectCode(scheduler.reschedule("", "", "BAD_INPUT"), "INVALID_USER_ID");
  });

  it("rejects every string with a lone surrogate or a NUL, in every operation, before any store call (property)", async () => {
    const calls: string[] = [];
    const called = <T>(method: string, answer: T): Promise<T> => {
      calls.push(method);
      return Promise.resolve(answer);
    };
    const store = storeOver({
      write: () => called("write", { status: "key-reused" }),
      listAppointments: () => called("list", []),
      getAppointment: () => called("get", null),
      readChanges: () => called("changes", []),
    });
    const scheduler = createScheduler({ store });
    const unstorable = fc
      .tuple(
        fc.string({ maxLength: 120 }),
        fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800"),
        fc.string({ maxLength: 120 }),
      )
      .map(([before, bad, after]) => `${before}${bad}${after}`)
      // A string cut in a pair leaves a lone surrogate; one that closes a pair again is well-formed.
      .filter((id) => !id.isWellFormed() || id.includes("\u0000"));
    await fc.assert(
      fc.asyncProperty(unstorable, async (userId) => {
        for (const [, call] of operations) await expectCode(call(scheduler, userId), "INVALID_USER_ID");
        await expectCode(scheduler.changes({ userId }), "INVALID_USER_ID");
      }),
      { numRuns: 100 },
    );
    expect(calls).toEqual([]);
  });

  it("rejects every number that is not a safe integer (property)", async () => {
    const scheduler = createScheduler();
    await fc.assert(
      fc.asyncProperty(
        fc.double().filter((n) => !Number.isSafeInteger(n)),
        async (userId) => {
          await expectCode(scheduler.book(userId, START), "INVALID_USER_ID");
        },
      ),
      { numRuns: 100 },
    );
  });
});
