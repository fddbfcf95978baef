/**
 * A booking's calendar facts (src/scheduler/calendar-facts.ts), which every write hands the store:
 *
 * - `candidatesStartWithin`: the instant range in which every appointment that can collide with the booking
 *   starts. It must contain the start of every booked appointment that holds one of the booking's periods
 *   (the store's rule: `r.localStartMs < p.toMs && r.localEndMs > p.fromMs`) or overlaps it, whatever zone
 *   and policy booked that appointment (offsets up to ±23:59, local mean time long ago, the longest
 *   duration). A store that searches only the range (PostgresStore does) relies on it; a range too narrow
 *   would let a booking through a full period. It must also be tight: narrowed by an hour, it misses some.
 * - `occupiedDays` and `periodRanges`: the dates an appointment occupies and the limit periods they fall in,
 *   by arithmetic on the stored local times, agree with the definition in Temporal (every local date from the
 *   start's to the end's; an end exactly at the start of a day counts on that day only under the seed's
 *   midnight rule), in zones with daylight saving, days without midnight, and skipped or repeated days.
 */
import {
  type AppointmentRecord,
  type AppointmentTimes,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  type MsRange,
  type PolicyOptions,
  type WriteRequest,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { occupiedDays, periodRanges, type Slot, slotOf, timesOf } from "../../src/scheduler/calendar-facts.js";
import { LONGEST_DURATION_MINUTES, type Policy, resolvePolicy } from "../../src/scheduler/policy.js";
import { occupancyConflict } from "../../src/store/occupancy.js";
import { storeOver } from "./support.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const LONGEST_MS = LONGEST_DURATION_MINUTES * MINUTE_MS;

/** Zones at the edges of the offsets: ±14 h today, local mean times near ±15 h long ago, fixed ±23:59. */
const ZONES = [
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
] as const;
const zone = fc.constantFrom(...ZONES);

/** The options that change which dates an appointment holds, for one `per` shared by both appointments. */
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
  .integer({ min: -5_364_662_400_000 / MINUTE_MS, max: 7_258_118_400_000 / MINUTE_MS })
  .map((m) => m * MINUTE_MS);

const zonedAt = (epochMs: number, timeZone: string) =>
  Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);

/** The stored times of an appointment of `durationMinutes` starting at the instant `startMs` in `timeZone`. */
function timesAt(startMs: number, timeZone: string, durationMinutes: number): AppointmentTimes {
  const start = zonedAt(startMs, timeZone);
  return timesOf(start, start.add({ minutes: durationMinutes }));
}

/** The slot of a booking starting at the instant `startMs` in `timeZone` under `options`. */
function slotAt(startMs: number, timeZone: string, options: PolicyOptions): Slot {
  const policy = resolvePolicy(options);
  return slotOf(policy, timesAt(startMs, timeZone, policy.durationMinutes));
}

/** A booked record with `times`, as a store keeps it. */
function recordOf(times: AppointmentTimes, id = "held"): AppointmentRecord {
  return {
    ...times,
    id,
    userId: "1",
    status: "booked",
    version: 1,
    createdAtMs: 0,
    updatedAtMs: 0,
    cancelledAtMs: null,
    cancellationReason: null,
    previousTimes: [],
    metadata: null,
    resource: null,
    appointmentType: null,
    holdExpiresAtMs: null,
  };
}

/** The store's rules: whether `held` holds one of the slot's periods, or overlaps it in time. */
const holdsAPeriod = (held: AppointmentTimes, slot: Slot) =>
  slot.occupancy.periods.some((p) => held.localStartMs < p.toMs && held.localEndMs > p.fromMs);
const overlaps = (held: AppointmentTimes, slot: Slot) =>
  held.startMs < slot.times.endMs && held.endMs > slot.times.startMs;

/** The wall-clock time `localMs` (local milliseconds) in `timeZone`, as an instant; gaps resolve later. */
function instantOfLocal(localMs: number, timeZone: string): number {
  const wallClock = Temporal.Instant.fromEpochMilliseconds(localMs).toZonedDateTimeISO("UTC").toPlainDateTime();
  return wallClock.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds;
}

/**
 * A held appointment near the booking: at a random distance (often on the same or a neighbouring date), or
 * at an edge of what can hold one of its periods: ending just after a period starts, or starting just before
 * a period ends, in its local time (the far east and far west and the longest duration make the extremes).
 */
type HeldPlacement =
  | { kind: "offset"; offsetMs: number }
  | { kind: "ends-after-period-start" | "starts-before-period-end"; period: number; minutes: number };

const placement: fc.Arbitrary<HeldPlacement> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
        fc.integer({ min: -45 * DAY_MS, max: 45 * DAY_MS }),
        fc.integer({ min: -11 * DAY_MS, max: 11 * DAY_MS }).map((ms) => Math.round(ms / DAY_MS) * DAY_MS),
      )
      .map((offsetMs) => ({ kind: "offset" as const, offsetMs })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("ends-after-period-start" as const, "starts-before-period-end" as const),
      period: fc.nat({ max: 40 }),
      minutes: fc.integer({ min: 0, max: 59 }),
    }),
  },
);

const scenario = fc.constantFrom("day" as const, "week" as const, "month" as const).chain((per) =>
  fc.record({
    booking: fc.record({ atMs: instantMs, zone, policy: policyFor(per) }),
    held: fc.record({ zone, policy: policyFor(per), placement }),
  }),
);

/** The held appointment's times, placed relative to the booking's slot. */
function heldTimes(slot: Slot, held: { zone: string; policy: PolicyOptions; placement: HeldPlacement }) {
  const { durationMinutes } = resolvePolicy(held.policy);
  const at = held.placement;
  if (at.kind === "offset") return timesAt(slot.times.startMs + at.offsetMs, held.zone, durationMinutes);
  const periods = slot.occupancy.periods;
  const period = periods[at.period % periods.length] as MsRange;
  if (at.kind === "ends-after-period-start") {
    // The period starts at local midnight (or a millisecond before it, under the seed's midnight rule).
    const midnight = Math.ceil(period.fromMs / MINUTE_MS) * MINUTE_MS;
    const endMs = instantOfLocal(midnight + at.minutes * MINUTE_MS, held.zone);
    return timesAt(endMs - durationMinutes * MINUTE_MS, held.zone, durationMinutes);
  }
  return timesAt(instantOfLocal(period.toMs - (at.minutes + 1) * MINUTE_MS, held.zone), held.zone, durationMinutes);
}

/**
 * Runs the window property over `runs` scenarios with `windowOf` as the booking's window; returns the first
 * scenario whose colliding appointment starts outside it, and how many collided.
 */
function checkWindow(windowOf: (slot: Slot) => MsRange, numRuns: number, seed?: number) {
  let collided = 0;
  const result = fc.check(
    fc.property(scenario, ({ booking, held }) => {
      const slot = slotAt(booking.atMs, booking.zone, booking.policy);
      const times = heldTimes(slot, held);
      const colliding = holdsAPeriod(times, slot) || overlaps(times, slot);
      // The rules above are the store's: the store's own check finds the same collision.
      const conflict = occupancyConflict(
        [recordOf(times)],
        slot.times,
        {
          ...slot.occupancy,
          limit: 1,
          noOverlap: true,
        },
        0,
      );
      expect(conflict !== undefined).toBe(colliding);
      if (!colliding) return;
      collided++;
      const { fromMs, toMs } = windowOf(slot);
      expect(times.startMs).toBeGreaterThanOrEqual(fromMs);
      expect(times.startMs).toBeLessThan(toMs);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
  return { result, collided };
}

describe("candidatesStartWithin", () => {
  it("contains the start of every appointment that holds one of the booking's periods or overlaps it, booked in any zone and policy (property)", () => {
    const { result, collided } = checkWindow((slot) => slot.occupancy.candidatesStartWithin, 6000);
    if (result.failed) throw new Error(fc.defaultReportMessage(result) ?? "the window missed an appointment");
    // Not a property that holds by never comparing: most scenarios collide.
    expect(collided).toBeGreaterThan(2000);
  });

  it.each([
    ["its start one hour later", (w: MsRange) => ({ fromMs: w.fromMs + HOUR_MS, toMs: w.toMs })],
    ["its end one hour earlier", (w: MsRange) => ({ fromMs: w.fromMs, toMs: w.toMs - HOUR_MS })],
  ])("is tight: with %s, the same property finds an appointment it misses", (_, narrow) => {
    const { result } = checkWindow((slot) => narrow(slot.occupancy.candidatesStartWithin), 6000, 42);
    expect(result.failed).toBe(true);
  });

  it("reaches the extremes: the longest appointment ending at a date's first minute far east, one starting at its last minute far west", () => {
    const held = { durationMinutes: LONGEST_DURATION_MINUTES };
    const booking = slotAt(Date.parse("2021-04-22T12:00Z"), "UTC", {});
    const window = booking.occupancy.candidatesStartWithin;
    // Ends at 2021-04-22 00:00 at +23:59, so it holds that date (an end at midnight counts on it).
    const earliest = timesAt(Date.parse("2021-04-21T00:01Z") - LONGEST_MS, "+23:59", held.durationMinutes);
    // Starts at 2021-04-22 23:59 at -23:59.
    const latest = timesAt(Date.parse("2021-04-23T23:58Z"), "-23:59", held.durationMinutes);
    for (const holder of [earliest, latest]) {
      expect(holdsAPeriod(holder, booking)).toBe(true);
      expect(holder.startMs).toBeGreaterThanOrEqual(window.fromMs);
      expect(holder.startMs).toBeLessThan(window.toMs);
    }
    // Within two minutes of either bound: the window is no wider than it must be.
    expect(earliest.startMs - window.fromMs).toBeLessThanOrEqual(2 * MINUTE_MS);
    expect(window.toMs - latest.startMs).toBeLessThanOrEqual(2 * MINUTE_MS);
  });

  it("contains the booking itself and spans its periods plus two days and the longest duration (property)", () => {
    fc.assert(
      fc.property(instantMs, zone, policyFor("day"), (atMs, timeZone, options) => {
        const slot = slotAt(atMs, timeZone, options);
        const { fromMs, toMs } = slot.occupancy.candidatesStartWithin;
        expect(slot.times.startMs).toBeGreaterThanOrEqual(fromMs);
        expect(slot.times.startMs).toBeLessThan(toMs);
        // Day periods: the dates held, a day on each side, and the longest duration before them (and the
        // millisecond the seed's midnight rule adds before the first period).
        const midnightRule = resolvePolicy(options).endAtMidnightCountsOnNextDate ? 1 : 0;
        expect(toMs - fromMs).toBe((slot.occupancy.periods.length + 2) * DAY_MS + LONGEST_MS + midnightRule);
      }),
    );
  });

  it("is what the scheduler hands the store, for a user whose zone changes between bookings and moves (property)", async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            day: fc.integer({ min: 0, max: 6 }),
            halfHour: fc.integer({ min: 0, max: 47 }),
            zone,
            move: fc.boolean(),
          }),
          { minLength: 2, maxLength: 12 },
        ),
        fc.constantFrom<PolicyOptions>(
          {},
          { limit: { max: 2, per: "day" } },
          { limit: { max: 3, per: "week" }, durationMinutes: 600, allowOverlap: true },
        ),
        async (steps, policy) => {
          const memory = new MemoryStore();
          const outside: unknown[] = [];
          // A store that checks every write against the booked appointments stored before it. (It records
          // what it finds: the scheduler would report an exception from a store's write as an unknown outcome.)
          const checking = storeOver(
            {
              async write(request: WriteRequest) {
                const { change } = request;
                if (change.type === "book" || change.type === "move") {
                  const slot = { times: change.times, occupancy: change.occupancy };
                  const window = change.occupancy.candidatesStartWithin;
                  for (const held of await memory.listAppointments(request.userId, { status: "booked" })) {
                    if (held.id === change.id || !(holdsAPeriod(held, slot) || overlaps(held, slot))) continue;
                    compared++;
                    if (held.startMs < window.fromMs || held.startMs >= window.toMs) outside.push({ held, request });
                  }
                }
                return memory.write(request);
              },
            },
            memory,
          );
          let next = 0;
          const scheduler = createScheduler({ store: checking, policy, timeZone: () => steps[next]?.zone ?? "UTC" });
          let last: string | undefined;
          for (; next < steps.length; next++) {
            const { day, halfHour, move } = steps[next] as (typeof steps)[number];
            const date = Temporal.PlainDate.from("2021-03-27").add({ days: day });
            const time = `${String(Math.floor(halfHour / 2)).padStart(2, "0")}:${halfHour % 2 ? "30" : "00"}`;
            // Refusals (a full date, an overlap, a time that does not exist in the zone) are part of the run.
            try {
              const appointment =
                move && last !== undefined
                  ? await scheduler.reschedule("u", last, `${date} ${time}`)
                  : await scheduler.book("u", `${date} ${time}`);
              last = appointment.id;
            } catch (error) {
              if (!isSchedulerError(error) || error.code === "OUTCOME_UNKNOWN") throw error;
            }
          }
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    expect(compared).toBeGreaterThan(100);
  });
});

/** Zones with daylight saving, days without midnight (Havana, Santiago, São Paulo, Beirut), a skipped day (Apia, 2011), a repeated day (Sitka, 1867). */
const DST_ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "America/Havana",
  "America/Santiago",
  "America/Sao_Paulo",
  "Asia/Beirut",
  "Asia/Tehran",
  "Pacific/Apia",
  "America/Sitka",
] as const;

const EPOCH = Temporal.PlainDate.from("1970-01-01");
const epochDay = (date: Temporal.PlainDate) => EPOCH.until(date, { largestUnit: "days" }).days;

/** The local dates an appointment from `start` to `end` occupies, by the definition in Temporal. */
function referenceDays(policy: Policy, start: Temporal.ZonedDateTime, end: Temporal.ZonedDateTime) {
  const first = start.toPlainDate();
  let last = end.toPlainDate();
  // An end exactly at the start of a day: 00:00 on the wall clock (also the second 00:00 of a day the clocks
  // repeated whole, as Pacific/Apia's 4 July 1892), or the first instant of a day without midnight.
  const atMidnight = end.toPlainTime().equals(Temporal.PlainTime.from("00:00")) || end.equals(end.startOfDay());
  if (!policy.endAtMidnightCountsOnNextDate && atMidnight && Temporal.PlainDate.compare(last, first) > 0) {
    last = last.subtract({ days: 1 });
  }
  // Clocks going back during the appointment can put its wall-clock end before its start: the start's date.
  if (Temporal.PlainDate.compare(last, first) < 0) last = first;
  return { first: epochDay(first), last: epochDay(last), firstDate: first, lastDate: last };
}

/** The limit periods of the dates `first` to `last`, by the definition in Temporal, as local milliseconds. */
function referencePeriods(policy: Policy, first: Temporal.PlainDate, last: Temporal.PlainDate): MsRange[] {
  const before = policy.endAtMidnightCountsOnNextDate ? 1 : 0;
  const ranges: MsRange[] = [];
  for (let date = first; Temporal.PlainDate.compare(date, last) <= 0; date = date.add({ days: 1 })) {
    let from: Temporal.PlainDate;
    let to: Temporal.PlainDate;
    if (policy.limit.per === "day") [from, to] = [date, date.add({ days: 1 })];
    else if (policy.limit.per === "week") {
      from = date.subtract({ days: (date.dayOfWeek - policy.weekStartsOn + 7) % 7 });
      to = from.add({ days: 7 });
    } else [from, to] = [date.with({ day: 1 }), date.with({ day: 1 }).add({ months: 1 })];
    const range = { fromMs: epochDay(from) * DAY_MS - before, toMs: epochDay(to) * DAY_MS };
    if (ranges.at(-1)?.fromMs !== range.fromMs) ranges.push(range);
  }
  return ranges;
}

const anyPolicy = fc.constantFrom("day" as const, "week" as const, "month" as const).chain(policyFor);

/**
 * Appointments around the zone's transitions: starting at a random instant, or ending exactly at the first
 * instant of the day of a transition (a day without midnight, when clocks jump at 00:00), at the transition,
 * or a few minutes off it.
 */
const appointment = fc
  .record({
    timeZone: fc.constantFrom(...DST_ZONES),
    atMs: instantMs,
    policy: anyPolicy,
    endAt: fc.constantFrom("anywhere", "start-of-transition-day", "start-of-next-day", "transition"),
    shiftMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -90, max: 90 })),
  })
  .map(({ timeZone, atMs, policy: options, endAt, shiftMinutes }) => {
    const policy = resolvePolicy(options);
    let start = zonedAt(atMs, timeZone);
    if (endAt !== "anywhere") {
      const transition = start.getTimeZoneTransition("next");
      if (transition) {
        const end =
          endAt === "transition"
            ? transition
            : endAt === "start-of-transition-day"
              ? transition.startOfDay()
              : transition.toPlainDate().add({ days: 1 }).toZonedDateTime(timeZone);
        start = end.add({ minutes: shiftMinutes }).subtract({ minutes: policy.durationMinutes });
      }
    }
    return { policy, start, end: start.add({ minutes: policy.durationMinutes }) };
  });

describe("occupiedDays and periodRanges", () => {
  it("agree with the dates and periods Temporal gives, around transitions in zones with daylight saving (property)", () => {
    fc.assert(
      fc.property(appointment, ({ policy, start, end }) => {
        const times = timesOf(start, end);
        const expected = referenceDays(policy, start, end);
        const days = occupiedDays(policy, times);
        expect(days).toEqual({ first: expected.first, last: expected.last });
        expect(periodRanges(policy, days.first, days.last)).toEqual(
          referencePeriods(policy, expected.firstDate, expected.lastDate),
        );
      }),
      { numRuns: 5000 },
    );
  });

  it("the seed's midnight rule: an appointment ending at 00:00 holds the next date through the period's start", () => {
    const policy = resolvePolicy({});
    const start = Temporal.ZonedDateTime.from("2021-04-23T23:30[Europe/London]");
    const times = timesOf(start, start.add({ minutes: 30 }));
    const days = occupiedDays(policy, times);
    expect(days.last - days.first).toBe(1);
    const [first, second] = periodRanges(policy, days.first, days.last);
    // Held by the store's rule, both dates.
    for (const period of [first, second] as MsRange[]) {
      expect(times.localStartMs < period.toMs && times.localEndMs > period.fromMs).toBe(true);
    }
    const without = resolvePolicy({ endAtMidnightCountsOnNextDate: false });
    expect(occupiedDays(without, times)).toEqual({ first: days.first, last: days.first });
  });

  it("a day without midnight: an end at its first instant (01:00 in Havana on 14 March 2021) is an end at the start of that day", () => {
    const start = Temporal.ZonedDateTime.from("2021-03-13T23:30[America/Havana]");
    const end = start.add({ minutes: 30 });
    expect(end.toString()).toBe("2021-03-14T01:00:00-04:00[America/Havana]");
    expect(end.equals(end.startOfDay())).toBe(true);
    const times = timesOf(start, end);
    const days = occupiedDays(resolvePolicy({}), times);
    expect(days.last - days.first).toBe(1);
    const without = resolvePolicy({ endAtMidnightCountsOnNextDate: false });
    expect(occupiedDays(without, times)).toEqual({ first: days.first, last: days.first });
    // And the store's rule agrees: under `false`, it does not hold the 14th.
    const [fourteenth] = periodRanges(without, days.first + 1, days.first + 1) as [MsRange];
    expect(times.localStartMs < fourteenth.toMs && times.localEndMs > fourteenth.fromMs).toBe(false);
  });
});
