/**
 * The working hours on the time line, remembered per definition: what `workingInstants` answers from its
 * cache is what the plain computation answers, whatever the zone, the dates and the order of the calls
 * (a property over daylight-saving zones and dates around their changes).
 */
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { checkedResource } from "../../src/resources/resource-definition.js";
import { instantsOn, workingInstants } from "../../src/resources/working-hours.js";
import type { MsRange } from "../../src/store/appointment-store.js";

/** The plain computation: each date's instants, uncached, merged where they touch. */
function plainInstants(
  resource: Parameters<typeof instantsOn>[0],
  first: Temporal.PlainDate,
  last: Temporal.PlainDate,
) {
  const ranges: MsRange[] = [];
  for (let date = first; Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    for (const range of instantsOn(resource, date)) {
      const previous = ranges.at(-1);
      if (previous && range.fromMs <= previous.toMs) {
        ranges[ranges.length - 1] = { fromMs: previous.fromMs, toMs: Math.max(previous.toMs, range.toMs) };
      } else {
        ranges.push({ ...range });
      }
    }
  }
  return ranges;
}

const ZONES = ["America/New_York", "Australia/Lord_Howe", "Europe/London", "Asia/Kathmandu", "UTC"];
const night = [
  ["00:00", "06:00"],
  ["22:00", "24:00"],
] as [string, string][];
const day = [
  ["01:30", "03:00"],
  ["09:00", "12:00"],
  ["13:00", "17:00"],
] as [string, string][];

describe("working instants", () => {
  it("answer from the cache what the plain computation answers (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(
          fc.record({
            // Days around the changes of 2021 (March, April, October, November) and others.
            start: fc.integer({ min: 0, max: 364 }),
            length: fc.integer({ min: 0, max: 4 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (timeZone, calls) => {
          const definition = {
            timeZone,
            weeklyHours: { monday: day, tuesday: night, wednesday: day, saturday: night, sunday: night },
            exceptions: [
              { date: "2021-03-14", hours: night },
              { date: "2021-11-07", extraHours: [["04:00", "05:00"]] },
            ],
          };
          const cached = checkedResource("dr", definition);
          for (const { start, length } of calls) {
            const first = Temporal.PlainDate.from("2021-01-01").add({ days: start });
            const last = first.add({ days: length });
            // A fresh definition object has no cache: the plain computation, twice over.
            const fresh = checkedResource("dr", definition);
            expect(workingInstants(cached, first, last)).toEqual(plainInstants(fresh, first, last));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
