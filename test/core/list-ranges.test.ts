/**
 * `list`'s range (issue 12, "Ranges and dates"). A bound is a position on the time line: the first instant
 * at which the user's wall clock reads the bound or later. So a date is its first instant (Temporal's
 * `startOfDay`), a wall-clock time in a daylight-saving gap is the instant the clocks jump over it, and a
 * repeated one is its first occurrence. Leap seconds and calendars are read as for any start.
 */
import {
  type Appointment,
  type AppointmentStore,
  createScheduler,
  InvalidDateTimeError,
  type ListRange,
  type RecordQuery,
  type SchedulerOptions,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { Temporal as FullTemporal } from "temporal-polyfill/full";
import { describe, expect, it } from "vitest";
import { expectCode, storeOver } from "./support.js";

/** The instants `list(1, range)` asks the store for, in a scheduler for `timeZone`. */
async function boundsOf(
  range: ListRange,
  timeZone: string,
  options: Omit<SchedulerOptions, "store" | "timeZone"> = {},
): Promise<{ from: string | undefined; to: string | undefined }> {
  let query: RecordQuery | undefined;
  const store: AppointmentStore = storeOver({
    listAppointments: async (_, asked) => {
      query = asked;
      return [];
    },
  });
  await createScheduler({ ...options, store, timeZone }).list(1, range);
  const instant = (ms: number | undefined) =>
    ms === undefined ? undefined : Temporal.Instant.fromEpochMilliseconds(ms).toString();
  return { from: instant(query?.fromMs), to: instant(query?.toMs) };
}

/** The starts of a page's appointments, as instants. */
const instants = (page: { appointments: Appointment[] }) =>
  page.appointments.map((a) => a.start.toInstant().toString());

/** A scheduler for `timeZone` that lets a user hold many appointments a day, with these starts booked. */
async function bookedIn(timeZone: string, starts: string[]) {
  const scheduler = createScheduler({ timeZone, policy: { limit: { max: 50, per: "day" } } });
  for (const start of starts) await scheduler.book(1, start);
  return scheduler;
}

describe("a date as a bound: its first instant in the user's zone", () => {
  // Regression: a date-only bound was refused (range.from must be a valid datetime), so no range could say
  // "this user's appointments on one local day".
  it("lists the user's appointments on one local day with { from: date, to: next date }", async () => {
    const scheduler = await bookedIn("America/New_York", [
      "2021-04-21 23:30", // ends at 00:00 on the 22nd: touches the day, does not overlap it
      "2021-04-22 00:00",
      "2021-04-22 12:00",
      "2021-04-22 23:30", // ends at 00:00 on the 23rd
      "2021-04-23 00:00",
    ]);
    const day = (await scheduler.list(1, { from: "2021-04-22", to: "2021-04-23" })).appointments;
    expect(day.map((a) => a.start.toString())).toEqual([
      "2021-04-22T00:00:00-04:00[America/New_York]",
      "2021-04-22T12:00:00-04:00[America/New_York]",
      "2021-04-22T23:30:00-04:00[America/New_York]",
    ]);
    const dates = { from: Temporal.PlainDate.from("2021-04-22"), to: Temporal.PlainDate.from("2021-04-23") };
    expect((await scheduler.list(1, dates)).appointments).toEqual(day);
  });

  it("reads the date in the user's zone, not in UTC", async () => {
    expect(await boundsOf({ from: "2021-04-22", to: "2021-04-23" }, "Asia/Tokyo")).toEqual({
      from: "2021-04-21T15:00:00Z",
      to: "2021-04-22T15:00:00Z",
    });
  });

  it("starts a day whose midnight is in a gap at the instant the clocks jump (Temporal's startOfDay)", async () => {
    // São Paulo, 4 November 2018: clocks went from 00:00 straight to 01:00.
    expect(await boundsOf({ from: "2018-11-04", to: "2018-11-05" }, "America/Sao_Paulo")).toEqual({
      from: "2018-11-04T03:00:00Z", // 01:00-02:00
      to: "2018-11-05T02:00:00Z",
    });
    const scheduler = await bookedIn("America/Sao_Paulo", ["2018-11-03 23:30", "2018-11-04 01:00"]);
    const day = (await scheduler.list(1, { from: "2018-11-04", to: "2018-11-05" })).appointments;
    expect(day.map((a) => a.start.toString())).toEqual(["2018-11-04T01:00:00-02:00[America/Sao_Paulo]"]);
  });

  it("gives an empty range for a day that never happened (Pacific/Apia, 30 December 2011)", async () => {
    const scheduler = await bookedIn("Pacific/Apia", ["2011-12-29 23:30", "2011-12-31 00:00"]);
    expect((await scheduler.list(1, { from: "2011-12-30", to: "2011-12-31" })).appointments).toEqual([]);
    expect(instants(await scheduler.list(1, { from: "2011-12-29", to: "2011-12-30" }))).toEqual([
      "2011-12-30T09:30:00Z",
    ]);
    expect(instants(await scheduler.list(1, { from: "2011-12-30", to: "2012-01-01" }))).toEqual([
      "2011-12-30T10:00:00Z",
    ]);
  });

  it("reads a PlainDate, or a date string, of any calendar as its ISO date", async () => {
    const expected = await boundsOf({ from: "2021-04-22" }, "Europe/London");
    for (const from of [
      FullTemporal.PlainDate.from("2021-04-22").withCalendar("hebrew"),
      FullTemporal.PlainDate.from("2021-04-22").withCalendar("japanese"),
      "2021-04-22[u-ca=hebrew]",
      "2021-04-22[!u-ca=japanese]",
    ]) {
      expect(await boundsOf({ from: from as string }, "Europe/London")).toEqual(expected);
    }
  });

  it.each([
    ["an impossible date", "2021-02-30", "range.from must be a valid date (YYYY-MM-DD)"],
    ["month 13", "2021-13-01", "range.from must be a valid date (YYYY-MM-DD)"],
    ["an unknown calendar", "2021-04-22[u-ca=klingon]", "range.from must be a valid date (YYYY-MM-DD)"],
    ["a date without padding", "2021-4-22", "range.from must be a valid datetime or date (YYYY-MM-DD)"],
    ["a date with a zone", "2021-04-22[Europe/London]", "range.from must be a valid datetime or date (YYYY-MM-DD)"],
  ])("rejects %s (%j), naming the bound", async (_, from, message) => {
    const error = await expectCode(createScheduler().list(1, { from }), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "range.from", message });
  });
});

describe("a wall-clock bound in a daylight-saving gap: the instant the clocks jump over it", () => {
  // Regression: each of these was refused with "range.from must be a valid datetime".
  it.each([
    // New York, 14 March 2021: 02:00 to 03:00 is skipped. The bound is 03:00 EDT (07:00Z), not Temporal's
    // "compatible" 03:30 EDT.
    ["America/New_York", "2021-03-14 02:30", "2021-03-14T07:00:00Z"],
    ["America/New_York", "2021-03-14 02:00", "2021-03-14T07:00:00Z"],
    ["America/New_York", "2021-03-14T02:59:59.999", "2021-03-14T07:00:00Z"],
    // Apia skipped 30 December 2011: 23:59:59 on the 29th (-10:00) was followed by 00:00 on the 31st (+14:00).
    ["Pacific/Apia", "2011-12-30 00:00", "2011-12-30T10:00:00Z"],
    ["Pacific/Apia", "2011-12-30 13:30", "2011-12-30T10:00:00Z"],
    // Kathmandu moved from +05:30 to +05:45 at midnight on 1 January 1986: 00:00 to 00:15 is skipped.
    ["Asia/Kathmandu", "1986-01-01 00:00", "1985-12-31T18:30:00Z"],
    ["Asia/Kathmandu", "1986-01-01 00:14", "1985-12-31T18:30:00Z"],
    // Lord Howe moves by 30 minutes: 02:00 to 02:30 is skipped.
    ["Australia/Lord_Howe", "2021-10-03 02:15", "2021-10-02T15:30:00Z"],
  ])("%s: %s is %s", async (timeZone, wallClock, expected) => {
    expect(await boundsOf({ from: wallClock, to: wallClock }, timeZone)).toEqual({ from: expected, to: expected });
  });

  it("makes every time of the gap the same bound as the time the clocks resume at", async () => {
    const at = async (from: string) => (await boundsOf({ from }, "America/New_York")).from;
    expect(await at("2021-03-14 02:00")).toBe(await at("2021-03-14 03:00"));
    expect(await at("2021-03-14 02:45")).toBe(await at("2021-03-14T03:00-04:00"));
  });

  it("splits a user's appointments at the gap: before it, or from the clocks' jump on", async () => {
    const scheduler = await bookedIn("America/New_York", ["2021-03-14 01:30", "2021-03-14 03:00"]);
    expect(instants(await scheduler.list(1, { to: "2021-03-14 02:30" }))).toEqual(["2021-03-14T06:30:00Z"]);
    expect(instants(await scheduler.list(1, { from: "2021-03-14 02:30" }))).toEqual(["2021-03-14T07:00:00Z"]);
  });

  it("resolves a gap in the zone a [Zone] annotation names", async () => {
    expect(await boundsOf({ from: "2021-03-14T02:30[America/New_York]" }, "UTC")).toEqual({
      from: "2021-03-14T07:00:00Z",
      to: undefined,
    });
    const plain = Temporal.PlainDateTime.from("2021-03-14T02:30");
    expect((await boundsOf({ from: plain }, "America/New_York")).from).toBe("2021-03-14T07:00:00Z");
  });

  it("still refuses a start in a gap: only a bound is a position", async () => {
    await expectCode(
      createScheduler({ timeZone: "America/New_York" }).book(1, "2021-03-14 02:30"),
      "NONEXISTENT_LOCAL_TIME",
    );
  });
});

describe("a repeated wall-clock bound: its first occurrence", () => {
  it.each(["earlier", "later", "reject"] as const)(
    "takes the first occurrence of 01:30 on 7 November 2021 in New York, with ambiguousTime %j",
    async (ambiguousTime) => {
      const bounds = await boundsOf({ from: "2021-11-07 01:30", to: "2021-11-07 01:30" }, "America/New_York", {
        ambiguousTime,
      });
      expect(bounds).toEqual({ from: "2021-11-07T05:30:00Z", to: "2021-11-07T05:30:00Z" }); // 01:30 EDT
    },
  );

  it("names the second occurrence by its offset", async () => {
    expect((await boundsOf({ from: "2021-11-07T01:30-05:00" }, "America/New_York")).from).toBe("2021-11-07T06:30:00Z");
  });

  it("lists from the first occurrence on: both 01:30s, and the hour between them", async () => {
    const scheduler = await bookedIn("America/New_York", ["2021-11-07T01:00-04:00", "2021-11-07T01:30-04:00"]);
    await scheduler.book(1, "2021-11-07T01:00-05:00");
    await scheduler.book(1, "2021-11-07T01:30-05:00");
    expect(instants(await scheduler.list(1, { from: "2021-11-07 01:30" }))).toEqual([
      "2021-11-07T05:30:00Z",
      "2021-11-07T06:00:00Z",
      "2021-11-07T06:30:00Z",
    ]);
  });
});

describe("leap seconds and calendars in bounds: read as any start", () => {
  it.each(["2016-12-31T23:59:60Z", "2021-04-22 11:29:60", "2021-04-22T12:29:60+01:00[Europe/London]"])(
    "rejects the leap second %j as a bound that is not a valid datetime",
    async (from) => {
      const error = await expectCode(createScheduler().list(1, { from }), "INVALID_ARGUMENT");
      expect(error).toMatchObject({ argument: "range.from" });
      expect(error.cause).toBeInstanceOf(InvalidDateTimeError);
    },
  );

  it("reads bounds of any calendar as the same instants", async () => {
    const expected = await boundsOf({ from: "2021-04-22T11:30", to: "2021-04-22T20:30+09:00" }, "Europe/London");
    const ranges: ListRange[] = [
      {
        from: FullTemporal.PlainDateTime.from("2021-04-22T11:30").withCalendar("japanese") as never,
        to: FullTemporal.ZonedDateTime.from("2021-04-22T20:30[Asia/Tokyo]").withCalendar("hebrew") as never,
      },
      { from: "2021-04-22T11:30[u-ca=japanese]", to: "2021-04-22T20:30+09:00[Asia/Tokyo][u-ca=hebrew]" },
    ];
    for (const range of ranges) expect(await boundsOf(range, "Europe/London")).toEqual(expected);
  });
});

/** Zones with gaps and repeats of an hour, of 30 minutes, at midnight, of a whole day, and odd offsets. */
const ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Lord_Howe",
  "Pacific/Apia",
  "Asia/Kathmandu",
  "America/Sao_Paulo",
  "America/Santiago",
  "Pacific/Chatham",
  "Africa/Casablanca",
  "Asia/Tehran",
  "America/St_Johns",
  "Europe/Moscow",
];

/** A zone, and a wall-clock time within three hours of one of its transitions (so often in a gap or a repeat). */
const nearTransition = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    from: fc.date({ min: new Date("1950-01-01T00:00Z"), max: new Date("2035-01-01T00:00Z"), noInvalidDate: true }),
    minutes: fc.integer({ min: -180, max: 180 }),
  })
  .map(({ timeZone, from, minutes }) => {
    const start = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(timeZone);
    const transition = start.getTimeZoneTransition("next") ?? start.getTimeZoneTransition("previous") ?? start;
    return { timeZone, wallClock: transition.toPlainDateTime().add({ minutes }) };
  });

/** The wall clock of the user at an instant. */
const wallClockAt = (ms: number, timeZone: string) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDateTime();

/**
 * Whether `ms` is the first instant at which the wall clock in `timeZone` reads `wallClock` or later: it does
 * at `ms`, and at no minute of the three hours before (nor one millisecond before).
 */
function isFirstInstantAtOrAfter(ms: number, wallClock: Temporal.PlainDateTime, timeZone: string): boolean {
  if (Temporal.PlainDateTime.compare(wallClockAt(ms, timeZone), wallClock) < 0) return false;
  for (let before = 1; before <= 3 * 60; before++) {
    if (Temporal.PlainDateTime.compare(wallClockAt(ms - before * 60_000, timeZone), wallClock) >= 0) return false;
  }
  return Temporal.PlainDateTime.compare(wallClockAt(ms - 1, timeZone), wallClock) < 0;
}

describe("properties of bounds", () => {
  it("a wall-clock bound is the first instant at which the user's clock reads it or later", async () => {
    await fc.assert(
      fc.asyncProperty(nearTransition, async ({ timeZone, wallClock }) => {
        const { from } = await boundsOf({ from: wallClock.toString() }, timeZone);
        const ms = Temporal.Instant.from(from as string).epochMilliseconds;
        expect(isFirstInstantAtOrAfter(ms, wallClock, timeZone), `${wallClock} in ${timeZone}: ${from}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("a date bound is Temporal's startOfDay in the user's zone, and the same bound as its 00:00", async () => {
    await fc.assert(
      fc.asyncProperty(nearTransition, fc.integer({ min: -1, max: 1 }), async ({ timeZone, wallClock }, days) => {
        const date = wallClock.toPlainDate().add({ days });
        const { from, to } = await boundsOf({ from: date.toString(), to: date }, timeZone);
        const startOfDay = date.toZonedDateTime(timeZone).toInstant().toString();
        expect({ from, to }).toEqual({ from: startOfDay, to: startOfDay });
        expect((await boundsOf({ from: `${date}T00:00` }, timeZone)).from).toBe(startOfDay);
      }),
      { numRuns: 150 },
    );
  });

  it("a range of dates lists exactly the appointments overlapping the user's local days", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.uniqueArray(fc.integer({ min: 0, max: 4 * 48 - 1 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        async (timeZone, halfHours, firstDay, days) => {
          // Starts every half hour of four days around a transition of New York's (and others' near it).
          const origin = Temporal.Instant.from("2021-03-13T05:00:00Z");
          const policy = { alignmentMinutes: 15, limit: { max: 500, per: "day" as const } };
          const scheduler = createScheduler({ timeZone, policy });
          for (const n of halfHours) await scheduler.book(1, origin.add({ minutes: 30 * n }));
          const from = Temporal.PlainDate.from("2021-03-13").add({ days: firstDay });
          const to = from.add({ days });
          const listed = instants(await scheduler.list(1, { from, to }));
          const fromMs = from.toZonedDateTime(timeZone).epochMilliseconds;
          const toMs = to.toZonedDateTime(timeZone).epochMilliseconds;
          const expected = instants(await scheduler.list(1)).filter((start) => {
            const startMs = Temporal.Instant.from(start).epochMilliseconds;
            return startMs < toMs && startMs + 30 * 60_000 > fromMs;
          });
          expect(listed).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a date or time given as the whole range", () => {
  it.each([
    ["a PlainDate", Temporal.PlainDate.from("2021-04-22")],
    ["a ZonedDateTime", Temporal.ZonedDateTime.from("2021-04-22T00:00[UTC]")],
    ["a Date", new Date("2021-04-22T00:00Z")],
  ])("is refused, %s, rather than listing everything", async (_, range) => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-25 09:00");
    const error = await expectCode(scheduler.list(1, range as never), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "range" });
  });
});
