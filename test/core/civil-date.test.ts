/**
 * The integer calendar arithmetic of src/time/civil-date.ts agrees with Temporal's calendar for every day
 * of the years a start may have (0000–9999) and beyond.
 */
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { civilDate, DAY_MS, epochDayOf, isoDate, isoDayOfWeek } from "../../src/time/civil-date.js";

/** Day counts from year -1000 to 12000, with the edges of the usual years mixed in. */
const epochDay = fc.oneof(
  fc.integer({ min: -1_085_000, max: 3_660_000 }),
  fc.constantFrom(-719_528, -719_469, -719_468, -1, 0, 59, 60, 11_016, 2_932_896, 2_932_897),
);

const temporalDate = (day: number) =>
  Temporal.Instant.fromEpochMilliseconds(day * DAY_MS)
    .toZonedDateTimeISO("UTC")
    .toPlainDate();

describe("civil dates by arithmetic", () => {
  it("give Temporal's date, day of the week and ISO text, and count days back to the same day (property)", () => {
    fc.assert(
      fc.property(epochDay, (day) => {
        const expected = temporalDate(day);
        const { year, month, day: dayOfMonth } = civilDate(day);
        expect({ year, month, day: dayOfMonth }).toEqual({
          year: expected.year,
          month: expected.month,
          day: expected.day,
        });
        expect(isoDayOfWeek(day)).toBe(expected.dayOfWeek);
        expect(epochDayOf(year, month, dayOfMonth)).toBe(day);
        if (year >= 0 && year <= 9999) expect(isoDate(day)).toBe(expected.toString());
      }),
      { numRuns: 3000 },
    );
  });
});
