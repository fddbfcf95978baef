/**
 * A user's bucket in MemoryStore scans its sorted records while it holds a few, and indexes them in maps
 * past that. Whatever the path, every lookup must answer what the sorted records say, also across the
 * switch and after records leave again.
 */
import type { AppointmentRecord } from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareRecords, UserBucket } from "../../src/store/user-bucket.js";

const PERIODS = ["day:1", "day:2", "day:3", "week:1"];

/** Adds (of a new record) and removes (of the i-th record held), enough of them to pass 16 and come back. */
const operations = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("add" as const),
        startMs: fc.integer({ min: 0, max: 50 }),
        periods: fc.array(fc.constantFrom(...PERIODS), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("remove" as const), index: fc.nat() }) },
  ),
  { minLength: 30, maxLength: 120 },
);

describe("UserBucket", () => {
  it("answers by id and by period exactly as its sorted records say, below and above the scan limit (property)", () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const bucket = new UserBucket();
        const held: AppointmentRecord[] = [];
        const removed: AppointmentRecord[] = [];
        let next = 0;
        for (const op of ops) {
          if (op.kind === "add") {
            const record = {
              id: `a${next++}`,
              userId: "u",
              startMs: op.startMs,
              endMs: op.startMs + 1,
              periods: op.periods,
            };
            bucket.add(record);
            held.push(record);
          } else if (held.length > 0) {
            const [record] = held.splice(op.index % held.length, 1) as [AppointmentRecord];
            bucket.remove(record);
            removed.push(record);
          }
          expect(bucket.sorted).toEqual([...held].sort(compareRecords));
          expect(bucket.size).toBe(held.length);
          for (const record of held) expect(bucket.byId(record.id)).toBe(record);
          for (const record of [...removed, { id: `a${next}` }]) expect(bucket.byId(record.id)).toBeUndefined();
          for (const period of PERIODS) {
            const expected = held.filter((record) => record.periods.includes(period)).sort(compareRecords);
            expect([...bucket.holders(period)].sort(compareRecords)).toEqual(expected);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
