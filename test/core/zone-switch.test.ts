/**
 * `book` and `availability` agree, also while a user's time zone changes between operations: a start is
 * offered exactly when booking it right then succeeds. Both read the facts stored with each appointment
 * (its wall-clock times where it was booked) and check them the same way, whichever zone the user has now.
 */

import { createScheduler, isSchedulerError, MemoryStore, type PolicyOptions } from "appointment-scheduler";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";

/** Zones far apart, with daylight saving, odd offsets, and the extremes of the offsets Temporal accepts. */
const ZONES = [
  "UTC",
  "Pacific/Kiritimati",
  "Etc/GMT+12",
  "America/New_York",
  "Europe/London",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "+23:59",
  "-23:59",
];

/** Dates around New York's and London's 2021 autumn changes. */
const DATES = ["2021-10-30", "2021-10-31", "2021-11-01", "2021-11-06", "2021-11-07"];

const policies = fc.record(
  {
    durationMinutes: fc.constantFrom(30, 45, 90, 600, 1500),
    alignmentMinutes: fc.constantFrom(15, 30, 60),
    limit: fc.record({ max: fc.integer({ min: 1, max: 3 }), per: fc.constantFrom("day", "week", "month") }),
    endAtMidnightCountsOnNextDate: fc.boolean(),
    allowOverlap: fc.boolean(),
  },
  { requiredKeys: ["durationMinutes", "alignmentMinutes", "limit"] },
) as fc.Arbitrary<PolicyOptions>;

type Step =
  | { readonly kind: "book"; readonly zone: string; readonly date: string; readonly pick: number }
  | { readonly kind: "cancel"; readonly pick: number };

const steps = fc.array(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("book" as const),
        zone: fc.constantFrom(...ZONES),
        date: fc.constantFrom(...DATES),
        pick: fc.nat(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  ),
  { minLength: 1, maxLength: 10 },
) as fc.Arbitrary<Step[]>;

async function bookAndAvailabilityAgree(policy: PolicyOptions, plan: Step[]): Promise<void> {
  let zone = "UTC";
  const scheduler = createScheduler({ store: new MemoryStore(), policy, timeZone: () => zone });
  const booked: string[] = [];
  for (const step of plan) {
    if (step.kind === "cancel") {
      const id = booked.splice(step.pick % Math.max(booked.length, 1), 1)[0];
      if (id) await scheduler.cancel(1, id);
      continue;
    }
    zone = step.zone;
    // Every start of the date in the user's zone: what an empty calendar offers under the same policy.
    const grid = await createScheduler({ policy, timeZone: zone }).availability(1, step.date);
    const offered = new Set((await scheduler.availability(1, step.date)).map((slot) => slot.start.epochMilliseconds));
    const start = grid[step.pick % grid.length]?.start;
    if (!start) continue;
    let accepted: boolean;
    try {
      booked.push((await scheduler.book(1, start)).id);
      accepted = true;
    } catch (error) {
      if (!isSchedulerError(error) || !["LIMIT_REACHED", "OVERLAPPING_APPOINTMENT"].includes(error.code)) throw error;
      accepted = false;
    }
    expect(accepted, `${start.toString()} in ${zone}: offered ${offered.has(start.epochMilliseconds)}`).toBe(
      offered.has(start.epochMilliseconds),
    );
  }
}

describe("book and availability agree while the user's zone changes", () => {
  it("offers a start exactly when booking it succeeds (property)", async () => {
    await fc.assert(fc.asyncProperty(policies, steps, bookAndAvailabilityAgree), { numRuns: 60 });
  });

  it("the issue's example: 00:00 in Kiritimati, then the same user in Etc/GMT+12", async () => {
    await bookAndAvailabilityAgree({ limit: { max: 1, per: "day" } }, [
      { kind: "book", zone: "Pacific/Kiritimati", date: "2021-11-01", pick: 0 },
      ...[0, 10, 20, 47].map((pick) => ({ kind: "book" as const, zone: "Etc/GMT+12", date: "2021-10-31", pick })),
      ...[0, 44, 47].map((pick) => ({ kind: "book" as const, zone: "Etc/GMT+12", date: "2021-11-01", pick })),
    ]);
  });
});
