/**
 * The window the scheduler hands the store with every insert (`holdersStartWithin`, from
 * src/scheduler/holders-window.ts) contains the start of every appointment that holds one of the booking's
 * periods: whatever zone and policy booked that appointment, and whatever zone and policy book the new one.
 * A store that searches only the window (PostgresStore does) relies on it; a window too narrow would let a
 * booking through a full period.
 */
import {
  type AppointmentStore,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  type PolicyOptions,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { LONGEST_DURATION_MINUTES, resolvePolicy } from "../../src/scheduler/policy.js";
import { occupiedSlot } from "../../src/scheduler/slot.js";

const DAY_MS = 86_400_000;

/** Zones at the edges of the offsets: ±14 h today, local mean times near ±15 h long ago, fixed ±23:59. */
const zone = fc.constantFrom(
  "UTC",
  "Pacific/Kiritimati",
  "Etc/GMT+12",
  "Pacific/Pago_Pago",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Australia/Lord_Howe",
  "Europe/London",
  "America/New_York",
  "America/Sitka",
  "Asia/Manila",
  "+23:59",
  "-23:59",
);

/** The options that change which dates an appointment holds, for one `per` shared by both schedulers. */
const policyFor = (per: "day" | "week" | "month") =>
  fc.record({
    durationMinutes: fc.oneof(
      fc.integer({ min: 1, max: 120 }),
      fc.integer({ min: 1, max: LONGEST_DURATION_MINUTES }),
      fc.constant(LONGEST_DURATION_MINUTES),
    ),
    alignmentMinutes: fc.constant(1),
    limit: fc.record({ max: fc.constant(1), per: fc.constant(per) }),
    endAtMidnightCountsOnNextDate: fc.boolean(),
    weekStartsOn: fc.integer({ min: 1, max: 7 }),
  }) as fc.Arbitrary<PolicyOptions>;

/** An instant from 1800 to 2200, on the minute. */
const instantMs = fc
  .integer({ min: -5_364_662_400_000 / 60_000, max: 7_258_118_400_000 / 60_000 })
  .map((m) => m * 60_000);

const scenario = fc.constantFrom("day" as const, "week" as const, "month" as const).chain((per) =>
  fc.record({
    held: fc.record({ atMs: instantMs, zone, policy: policyFor(per) }),
    // The new booking near the held one, often on the same or a neighbouring date, now and then farther.
    offsetMs: fc.oneof(
      fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
      fc.integer({ min: -45 * DAY_MS, max: 45 * DAY_MS }),
      fc.integer({ min: -11 * DAY_MS, max: 11 * DAY_MS }).map((ms) => Math.round(ms / DAY_MS) * DAY_MS),
    ),
    booking: fc.record({ zone, policy: policyFor(per) }),
  }),
);

const slotAt = (atMs: number, timeZone: string, options: PolicyOptions) =>
  occupiedSlot(resolvePolicy(options), Temporal.Instant.fromEpochMilliseconds(atMs).toZonedDateTimeISO(timeZone));

describe("the window of a booking's holders", () => {
  it("contains the start of every appointment holding one of its periods, booked in any zone and policy (property)", () => {
    let shared = 0;
    fc.assert(
      fc.property(scenario, ({ held, offsetMs, booking }) => {
        const heldSlot = slotAt(held.atMs, held.zone, held.policy);
        const newSlot = slotAt(held.atMs + offsetMs, booking.zone, booking.policy);
        if (!heldSlot.periods.some((period) => newSlot.periods.includes(period))) return;
        shared++;
        const { fromMs, toMs } = newSlot.holdersStartWithin;
        expect(heldSlot.startMs).toBeGreaterThanOrEqual(fromMs);
        expect(heldSlot.startMs).toBeLessThan(toMs);
      }),
      { numRuns: 4000 },
    );
    // Not a property that holds by never comparing: most scenarios share a period.
    expect(shared).toBeGreaterThan(1000);
  });

  it("reaches the extremes: the longest appointment ending at a date's first minute far east, one starting at its last minute far west", () => {
    // The holders were booked under another policy than the new booking: the longest duration.
    const policy = { durationMinutes: LONGEST_DURATION_MINUTES, alignmentMinutes: 1 } as const;
    const booking = slotAt(Date.parse("2021-04-22T12:00Z"), "UTC", { alignmentMinutes: 1 }).holdersStartWithin;
    // Ends at 2021-04-22 00:00 at +23:59, so it holds that date (an end at midnight counts on it).
    const earliest = slotAt(Date.parse("2021-04-21T00:01Z") - LONGEST_DURATION_MINUTES * 60_000, "+23:59", policy);
    // Starts at 2021-04-22 23:59 at -23:59.
    const latest = slotAt(Date.parse("2021-04-23T23:58Z"), "-23:59", policy);
    for (const holder of [earliest, latest]) {
      expect(holder.periods).toContain("day:2021-04-22");
      expect(holder.startMs).toBeGreaterThanOrEqual(booking.fromMs);
      expect(holder.startMs).toBeLessThan(booking.toMs);
    }
    // Within two minutes of either bound: the window is no wider than it must be.
    expect(earliest.startMs - booking.fromMs).toBeLessThanOrEqual(2 * 60_000);
    expect(booking.toMs - latest.startMs).toBeLessThanOrEqual(2 * 60_000);
  });

  it("contains the booking itself and spans its periods plus at most two days and the longest duration (property)", () => {
    fc.assert(
      fc.property(instantMs, zone, policyFor("day"), (atMs, timeZone, options) => {
        const slot = slotAt(atMs, timeZone, options);
        const { fromMs, toMs } = slot.holdersStartWithin;
        expect(slot.startMs).toBeGreaterThanOrEqual(fromMs);
        expect(slot.startMs).toBeLessThan(toMs);
        // Day periods: the dates held, a day on each side, and the longest duration before them.
        expect(toMs - fromMs).toBe((slot.periods.length + 2) * DAY_MS + LONGEST_DURATION_MINUTES * 60_000);
      }),
    );
  });

  it("is what the scheduler hands the store, for a user whose zone changes between bookings (property)", async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ day: fc.integer({ min: 0, max: 6 }), halfHour: fc.integer({ min: 0, max: 47 }), zone }), {
          minLength: 2,
          maxLength: 12,
        }),
        async (bookings) => {
          const memory: AppointmentStore = new MemoryStore();
          const stored: { startMs: number; periods: readonly string[] }[] = [];
          const outside: unknown[] = [];
          // A store that checks every request against the appointments stored before it. (It records what it
          // finds: the scheduler would report an exception from a store as the store being unavailable.)
          const checking: AppointmentStore = {
            async insertAppointment(request, options) {
              const window = request.holdersStartWithin;
              for (const held of stored) {
                if (!held.periods.some((period) => request.record.periods.includes(period))) continue;
                compared++;
                if (!window || held.startMs < window.fromMs || held.startMs >= window.toMs)
                  outside.push({ held, request });
              }
              const result = await memory.insertAppointment(request, options);
              if (result.status === "inserted") stored.push(result.record);
              return result;
            },
            listAppointments: (userId, range, options) => memory.listAppointments(userId, range, options),
            getAppointment: (userId, id, options) => memory.getAppointment(userId, id, options),
            deleteAppointment: (userId, id, options) => memory.deleteAppointment(userId, id, options),
          };
          let next = 0;
          const scheduler = createScheduler({ store: checking, timeZone: () => bookings[next]?.zone ?? "UTC" });
          for (; next < bookings.length; next++) {
            const { day, halfHour } = bookings[next] as { day: number; halfHour: number };
            const date = Temporal.PlainDate.from("2021-03-27").add({ days: day });
            const time = `${String(Math.floor(halfHour / 2)).padStart(2, "0")}:${halfHour % 2 ? "30" : "00"}`;
            // Refusals (a full date, a time that does not exist in the zone) are part of the run.
            await scheduler.book("u", `${date} ${time}`).catch((error) => {
              if (!isSchedulerError(error) || error.code === "STORE_UNAVAILABLE") throw error;
            });
          }
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(100);
  });
});
