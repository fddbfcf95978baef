/**
 * The wire operations (`wireOperationsOf`, used by `appointment-scheduler/http`) answer from the store's
 * records without building Temporal objects. They must give exactly what the public methods give, formatted
 * by `toWireAppointment`: the same text, the same errors, the same stored appointments, in any zone and
 * under any policy. And they must never bypass a scheduler whose `book` or `list` someone replaced.
 */
import {
  createScheduler,
  isSchedulerError,
  type PolicyOptions,
  type Scheduler,
  toWireAppointment,
} from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wireOperationsOf } from "../../src/scheduler/scheduler.js";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** UTC (the fast path), fixed offsets (arithmetic), and zones with rules and odd offsets (through Temporal). */
const zone = fc.constantFrom(
  "UTC",
  "+05:30",
  "-03:30",
  "America/New_York",
  "Europe/London",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
);

/** Starts around the 2021 DST changes, on and off the grid, and a few that are not datetimes at all. */
const start = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        month: fc.constantFrom(3, 4, 10, 11, 12),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.constantFrom(0, 15, 30, 45),
        separator: fc.constantFrom(" ", "T"),
      })
      .map(
        ({ month, day, hour, minute, separator }) =>
          `2021-${pad(month)}-${pad(day)}${separator}${pad(hour)}:${pad(minute)}`,
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("2021-04-22 11:30:00", "2021-04-22T11:30:00-04:00[America/New_York]", "not a date", ""),
  },
);

const policy: fc.Arbitrary<PolicyOptions> = fc.record({
  durationMinutes: fc.constantFrom(15, 30, 90, 1440),
  alignmentMinutes: fc.constantFrom(15, 30, 60),
  limit: fc.record({ max: fc.integer({ min: 1, max: 2 }), per: fc.constantFrom("day", "week", "month") }),
});

const step = fc.record({ userId: fc.integer({ min: 1, max: 3 }), start, list: fc.boolean() });

/** Runs `steps` and records every answer: wire text, or the error's code. */
async function answers(
  steps: { userId: number; start: string; list: boolean }[],
  book: (userId: number, start: string) => Promise<unknown>,
  list: (userId: number) => Promise<unknown>,
): Promise<unknown[]> {
  const seen: unknown[] = [];
  for (const { userId, start, list: thenList } of steps) {
    try {
      seen.push(await book(userId, start));
    } catch (error) {
      if (!isSchedulerError(error)) throw error;
      seen.push(error.code);
    }
    if (thenList) seen.push(await list(userId));
  }
  return seen;
}

describe("wire operations", () => {
  it("answer as the public methods formatted by toWireAppointment (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        zone,
        policy,
        fc.array(step, { minLength: 1, maxLength: 15 }),
        async (timeZone, policy, steps) => {
          const viaWire = createScheduler({ timeZone, policy });
          const wire = wireOperationsOf(viaWire);
          if (!wire) throw new Error("a scheduler from createScheduler has wire operations");
          const viaPublic = createScheduler({ timeZone, policy });
          const expected = await answers(
            steps,
            async (userId, start) => toWireAppointment(await viaPublic.book(userId, start)),
            async (userId) => (await viaPublic.list(userId)).map(toWireAppointment),
          );
          const actual = await answers(steps, wire.book, wire.list);
          expect(actual).toEqual(expected);
          // The same appointments were stored, and the public methods of the wire scheduler show them alike.
          for (const userId of [1, 2, 3]) {
            expect((await viaWire.list(userId)).map(toWireAppointment)).toEqual(
              (await viaPublic.list(userId)).map(toWireAppointment),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reject bad arguments with the public methods' errors", async () => {
    const wire = wireOperationsOf(createScheduler());
    await expect(wire?.book("", "2021-04-22 11:30")).rejects.toMatchObject({ code: "INVALID_USER_ID" });
    await expect(wire?.book(1, "2021-04-22 11:30", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    await expect(wire?.list(1, "not options" as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("are not offered for a scheduler whose book or list was replaced, nor for another implementation", () => {
    const scheduler = createScheduler();
    expect(wireOperationsOf(scheduler)).toBeDefined();
    const logged = Object.assign(Object.create(scheduler) as Scheduler, { book: scheduler.book.bind(scheduler) });
    expect(wireOperationsOf(logged)).toBeUndefined();
    const counted = Object.assign(Object.create(scheduler) as Scheduler, { list: scheduler.list.bind(scheduler) });
    expect(wireOperationsOf(counted)).toBeUndefined();
    const own: Scheduler = {
      policy: scheduler.policy,
      book: (...args) => scheduler.book(...args),
      list: (...args) => scheduler.list(...args),
      get: (...args) => scheduler.get(...args),
      cancel: (...args) => scheduler.cancel(...args),
      reschedule: (...args) => scheduler.reschedule(...args),
      availability: (...args) => scheduler.availability(...args),
    };
    expect(wireOperationsOf(own)).toBeUndefined();
  });
});
