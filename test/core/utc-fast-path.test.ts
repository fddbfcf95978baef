/**
 * The UTC fast path (src/scheduler/utc-fast-path.ts) gives exactly what the general Temporal path gives
 * (`slotOf(policy, timesOf(start, end))`): the same instants and local times, the same periods, the same
 * candidates' window, the same errors, for any string of the seed's form (valid or
 * not), for any string near that form (a character changed, added or removed: the fast path reads the
 * string character by character), and under any policy. Checked directly against the general functions,
 * and through two schedulers, one in "UTC" (fast) and one in "+00:00" (the same zone, always the general
 * path).
 */
import {
  type AppointmentChange,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  type PolicyOptions,
} from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slotOf, timesOf } from "../../src/scheduler/calendar-facts.js";
import { endOf, isAligned, resolvePolicy } from "../../src/scheduler/policy.js";
import { utcSeedSlot } from "../../src/scheduler/utc-fast-path.js";
import { parseDateTime } from "../../src/time/parse-date-time.js";
import { storeOver } from "./support.js";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Strings of the seed's form, mostly valid, with out-of-range fields and edge years mixed in. */
const seedString = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 1990, max: 2040 }),
      fc.integer({ min: 0, max: 9999 }),
      fc.constantFrom(999, 1000, 9998, 9999),
    ),
    month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 99 })),
    day: fc.oneof(fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 99 })),
    hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(23, 24, 99)),
    minute: fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 }), fc.constant(60)),
    separator: fc.constantFrom(" ", "T"),
    seconds: fc.constantFrom("", ":00", ":30", ":60"),
  })
  .map(
    ({ year, month, day, hour, minute, separator, seconds }) =>
      `${pad(year, 4)}-${pad(month)}-${pad(day)}${separator}${pad(hour)}:${pad(minute)}${seconds}`,
  );

/** Valid strings of the seed's form, in the years the fast path answers for. */
const validSeedString = fc
  .tuple(
    fc.date({ min: new Date("1000-01-01T00:00Z"), max: new Date("9998-12-31T23:59Z"), noInvalidDate: true }),
    fc.constantFrom(" ", "T"),
    fc.constantFrom("", ":00"),
  )
  .map(
    ([date, separator, seconds]) =>
      `${date.toISOString().slice(0, 10)}${separator}${date.toISOString().slice(11, 16)}${seconds}`,
  );

/** What could fool a reader that checks characters: digits, separators, `t`, `Z`, an Arabic-Indic digit. */
const confusable = fc.constantFrom(..."09-: Tt/Z\n\u0663".split(""));

/**
 * Strings near the seed's form: a valid one with, at each position, now and then another character, and
 * maybe a character added or removed.
 */
const nearSeedString = fc
  .tuple(
    validSeedString,
    fc.array(fc.oneof({ arbitrary: fc.constant(null), weight: 12 }, { arbitrary: confusable, weight: 1 }), {
      minLength: 19,
      maxLength: 19,
    }),
    fc.option(fc.record({ insert: fc.boolean(), at: fc.nat({ max: 19 }), char: confusable })),
  )
  .map(([text, replacements, edit]) => {
    let result = [...text].map((char, i) => replacements[i] ?? char).join("");
    if (edit) {
      const i = Math.min(edit.at, result.length);
      result = result.slice(0, i) + (edit.insert ? edit.char : "") + result.slice(edit.insert ? i : i + 1);
    }
    return result;
  });

const policyOptions: fc.Arbitrary<PolicyOptions> = fc.record({
  durationMinutes: fc.constantFrom(15, 30, 45, 60, 90, 24 * 60, 3 * 24 * 60),
  alignmentMinutes: fc.constantFrom(5, 15, 30, 60),
  limit: fc.record({ max: fc.integer({ min: 1, max: 3 }), per: fc.constantFrom("day", "week", "month") }),
  endAtMidnightCountsOnNextDate: fc.boolean(),
  weekStartsOn: fc.integer({ min: 1, max: 7 }),
  allowOverlap: fc.boolean(),
}) as fc.Arbitrary<PolicyOptions>;

/** The general path, as the scheduler ran it before the fast path: the slot, or the error's code. */
function generalSlot(input: string, options: PolicyOptions) {
  const policy = resolvePolicy(options);
  try {
    const start = parseDateTime(input, "UTC", "earlier");
    if (!isAligned(policy, start)) return { code: "MISALIGNED_START" };
    return slotOf(policy, timesOf(start, endOf(policy, start)));
  } catch (error) {
    if (isSchedulerError(error)) return { code: error.code };
    throw error;
  }
}

function fastSlot(input: string, options: PolicyOptions) {
  try {
    const slot = utcSeedSlot(input, resolvePolicy(options));
    return slot && { ...slot };
  } catch (error) {
    if (isSchedulerError(error)) return { code: error.code };
    throw error;
  }
}

describe("the UTC fast path", () => {
  it.each([
    ["strings of the seed's form", seedString, 3000],
    ["strings near the seed's form", nearSeedString, 5000],
  ] as const)("gives the general path's slot or error for %s whenever it answers (property)", (_, strings, numRuns) => {
    fc.assert(
      fc.property(strings, policyOptions, (input, options) => {
        const fast = fastSlot(input, options);
        if (fast !== undefined) expect(fast).toEqual(generalSlot(input, options));
      }),
      { numRuns },
    );
  });

  it("answers for every valid seed string of an ordinary year, so bookings really take it (property)", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1000-01-01T00:00Z"), max: new Date("9998-12-31T23:30Z"), noInvalidDate: true }),
        (date) => {
          const input = date.toISOString().slice(0, 16).replace("T", " ");
          expect(fastSlot(input, {})).not.toBeUndefined();
        },
      ),
    );
  });

  it("leaves booking windows and other forms to the general path", () => {
    expect(utcSeedSlot("2021-04-22 11:30", resolvePolicy({ minimumNotice: "PT1H" }))).toBeUndefined();
    for (const input of [
      "2021-04-22T11:30Z",
      "2021-04-22 11:30:00.000",
      "2021-04-22T11:30[UTC]",
      "20210422T1130",
      "2021-04-22t11:30",
      "2021-04-22 11:30:01",
      "2021-04-22 11:30\n",
      "\u0662021-04-22 11:30",
      "2021-02-29 11:30",
      "0999-04-22 11:30",
      "9999-04-22 11:30",
    ]) {
      expect(utcSeedSlot(input, resolvePolicy({}))).toBeUndefined();
    }
  });

  it("books, moves and refuses exactly as a scheduler in the same zone on the general path (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        policyOptions,
        fc.array(fc.oneof(seedString, nearSeedString), { minLength: 1, maxLength: 12 }),
        async (policy, inputs) => {
          const outcomes = async (timeZone: string) => {
            const changes: AppointmentChange[] = [];
            const store = new MemoryStore();
            const recording = storeOver(
              {
                write: (request) => {
                  changes.push(request.change);
                  return store.write(request);
                },
              },
              store,
            );
            let n = 0;
            const scheduler = createScheduler({ store: recording, timeZone, policy, generateId: () => `id-${++n}` });
            const results: unknown[] = [];
            let previous: string | undefined;
            for (const [i, input] of inputs.entries()) {
              try {
                const booked =
                  i % 3 === 2 && previous
                    ? await scheduler.reschedule(1, previous, input)
                    : await scheduler.book(1, input);
                previous = booked.id;
                results.push([booked.start.epochMilliseconds, booked.end.epochMilliseconds]);
              } catch (error) {
                if (!isSchedulerError(error)) throw error;
                results.push(error.code);
              }
            }
            // What each write asked the store for: the same change, times, periods and window on both paths.
            return { results, changes };
          };
          expect(await outcomes("UTC")).toEqual(await outcomes("+00:00"));
        },
      ),
      { numRuns: 300 },
    );
  });
});
