/**
 * Which start times `book` accepts, and what they mean. Strings without an offset are wall-clock times in the
 * user's zone; an offset (or `Z`, or an exact Temporal object, or a `Date`) makes a time exact. Anything that
 * is not ISO 8601 / RFC 3339 / RFC 9557 is rejected rather than guessed.
 */
import { createScheduler, InvalidDateTimeError } from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
// The full polyfill, with every calendar's data, as an application that shows dates in other calendars has.
import { Temporal as FullTemporal } from "temporal-polyfill/full";
import { describe, expect, it } from "vitest";
import { expectCode } from "./support.js";

/** 2021-04-22T11:30Z, the instant most examples below mean. */
const INSTANT = Temporal.Instant.from("2021-04-22T11:30:00Z");

/** Books `start` for a fresh user of a UTC scheduler (or `timeZone`) and returns the exact start. */
async function startOf(start: unknown, timeZone = "UTC"): Promise<Temporal.ZonedDateTime> {
  const scheduler = createScheduler({ timeZone });
  const appointment = await scheduler.book(1, start as string);
  return appointment.start;
}

describe("accepted strings", () => {
  it.each([
    "2021-04-22 11:30",
    "2021-04-22T11:30",
    "2021-04-22t11:30",
    "2021-04-22T11:30:00",
    "2021-04-22 11:30:00",
    "2021-04-22T11:30:00.0",
    "2021-04-22T11:30:00.000",
    "2021-04-22T11:30:00.000000000",
    "2021-04-22T11:30:00,000",
  ])("reads %j as a wall-clock time in the user's zone", async (text) => {
    expect((await startOf(text)).toInstant()).toEqual(INSTANT);
    // The same text means 11:30 in New York (UTC-4 in April) for a New York user.
    const inNewYork = await startOf(text, "America/New_York");
    expect(inNewYork.toString()).toBe("2021-04-22T11:30:00-04:00[America/New_York]");
  });

  it.each([
    "2021-04-22T11:30:00Z",
    "2021-04-22T11:30:00z",
    "2021-04-22t11:30z",
    "2021-04-22 11:30Z",
    "2021-04-22T11:30:00.000Z",
    "2021-04-22T13:30:00+02:00",
    "2021-04-22T07:30-04:00",
    "2021-04-22T07:30-0400",
    "2021-04-22T17:15+05:45",
    "2021-04-22T11:30:00+00:00",
    "2021-04-22T11:30:00-00:00",
  ])("reads %j as an exact time", async (text) => {
    const start = await startOf(text, "America/New_York");
    expect(start.toInstant()).toEqual(INSTANT);
    expect(start.timeZoneId).toBe("America/New_York");
  });

  it("reads a [Zone] without an offset as a wall-clock time in that zone (RFC 9557)", async () => {
    // 12:30 in London in April is BST (UTC+1): 11:30Z, shown in the user's zone.
    const start = await startOf("2021-04-22T12:30[Europe/London]", "America/New_York");
    expect(start.toInstant()).toEqual(INSTANT);
    expect(start.timeZoneId).toBe("America/New_York");
  });

  it("reads a [Zone] with a matching offset as an exact time", async () => {
    expect((await startOf("2021-04-22T12:30+01:00[Europe/London]")).toInstant()).toEqual(INSTANT);
    expect((await startOf("2021-04-22T11:30Z[Europe/London]")).toInstant()).toEqual(INSTANT);
  });

  it("rejects a [Zone] whose offset does not match it, instead of picking one", async () => {
    await expectCode(startOf("2021-04-22T12:30+02:00[Europe/London]"), "INVALID_DATETIME");
    await expectCode(startOf("2021-04-22T11:30+00:00[America/New_York]"), "INVALID_DATETIME");
  });

  it("rejects an unknown zone in the annotation as an invalid date-time", async () => {
    await expectCode(startOf("2021-04-22T11:30[Mars/Olympus_Mons]"), "INVALID_DATETIME");
  });

  it("judges alignment in the user's zone, not the string's offset", async () => {
    // 11:30+01:00 is 10:30Z: aligned in UTC. 11:30+05:45 is 05:45Z: misaligned in UTC.
    await expect(startOf("2021-04-22T11:30+01:00")).resolves.toBeDefined();
    await expectCode(startOf("2021-04-22T11:30+05:45"), "MISALIGNED_START");
  });
});

describe("accepted Temporal objects and Dates", () => {
  it("reads a Temporal.Instant as an exact time", async () => {
    expect((await startOf(INSTANT, "Asia/Tokyo")).toString()).toBe("2021-04-22T20:30:00+09:00[Asia/Tokyo]");
  });

  it("reads a Temporal.ZonedDateTime of any zone as an exact time, shown in the user's zone", async () => {
    const inKathmandu = INSTANT.toZonedDateTimeISO("Asia/Kathmandu");
    const start = await startOf(inKathmandu, "Europe/London");
    expect(start.toString()).toBe("2021-04-22T12:30:00+01:00[Europe/London]");
  });

  it("reads a Temporal.PlainDateTime as a wall-clock time in the user's zone", async () => {
    const start = await startOf(Temporal.PlainDateTime.from("2021-04-22T11:30"), "Europe/London");
    expect(start.toString()).toBe("2021-04-22T11:30:00+01:00[Europe/London]");
  });

  it("keeps the nanoseconds of an exact Temporal time (so a sub-second start is misaligned)", async () => {
    await expectCode(startOf(INSTANT.add({ nanoseconds: 1 })), "MISALIGNED_START");
    await expectCode(startOf(INSTANT.add({ microseconds: 1 }).toZonedDateTimeISO("UTC")), "MISALIGNED_START");
  });

  it("reads objects of a different Temporal implementation by their tag and epochNanoseconds", async () => {
    const ns = INSTANT.epochNanoseconds;
    const foreignInstant = {
      [Symbol.toStringTag]: "Temporal.Instant",
      epochNanoseconds: ns,
      toString: () => "2021-04-22T11:30:00Z",
    };
    const foreignZoned = {
      [Symbol.toStringTag]: "Temporal.ZonedDateTime",
      epochNanoseconds: ns,
      toString: () => "2021-04-22T13:30:00+02:00[Europe/Paris]",
    };
    const foreignPlain = {
      [Symbol.toStringTag]: "Temporal.PlainDateTime",
      toString: () => "2021-04-22T11:30:00",
    };
    expect((await startOf(foreignInstant)).toInstant()).toEqual(INSTANT);
    expect((await startOf(foreignZoned)).toInstant()).toEqual(INSTANT);
    expect((await startOf(foreignPlain)).toInstant()).toEqual(INSTANT);
  });

  it("rejects foreign Temporal look-alikes that do not hold a valid time", async () => {
    const lookAlikes: unknown[] = [
      { [Symbol.toStringTag]: "Temporal.Instant", epochNanoseconds: 1619091000000000000 }, // a number, not a bigint
      { [Symbol.toStringTag]: "Temporal.Instant", epochNanoseconds: 10n ** 30n }, // beyond Temporal's range
      { [Symbol.toStringTag]: "Temporal.ZonedDateTime" },
      { [Symbol.toStringTag]: "Temporal.PlainDateTime", toString: () => "not a time" },
      { [Symbol.toStringTag]: "Temporal.PlainDate", toString: () => "2021-04-22" }, // a date has no time
      { [Symbol.toStringTag]: "Temporal.Duration", toString: () => "PT1H" },
      { [Symbol.toStringTag]: "Instant", epochNanoseconds: INSTANT.epochNanoseconds },
    ];
    for (const lookAlike of lookAlikes) await expectCode(startOf(lookAlike), "INVALID_DATETIME");
  });

  it("rejects Temporal types that are not a point in time", async () => {
    for (const value of [
      Temporal.PlainDate.from("2021-04-22"),
      Temporal.PlainTime.from("11:30"),
      Temporal.Duration.from("PT11H30M"),
    ]) {
      await expectCode(startOf(value), "INVALID_DATETIME");
    }
  });

  it("reads a valid Date as an exact time", async () => {
    const start = await startOf(new Date("2021-04-22T11:30:00Z"), "America/New_York");
    expect(start.toString()).toBe("2021-04-22T07:30:00-04:00[America/New_York]");
  });

  it("rejects an invalid Date", async () => {
    await expectCode(startOf(new Date("nonsense")), "INVALID_DATETIME");
    await expectCode(startOf(new Date(Number.NaN)), "INVALID_DATETIME");
  });
});

describe("rejected inputs: not guessed", () => {
  it.each([
    ["a US or European date", "04/05/2021"],
    ["a US or European date with a time", "04/05/2021 11:30"],
    ["an English date", "April 5, 2021 11:30"],
    ["an English date without a time", "April 5"],
    ["a date without a time", "2021-04-22"],
    ["an hour without minutes", "2021-04-22T11"],
    ["an hour with an offset but without minutes", "2021-04-22T11Z"],
    ["the compact ISO form", "20210422T1130"],
    ["a date without zero padding", "2021-4-22 11:30"],
    ["a time without zero padding", "2021-04-22 9:30"],
    ["surrounding whitespace", " 2021-04-22 11:30 "],
    ["an expanded year", "+002021-04-22T11:30"],
    ["a time only", "11:30"],
    ["a week date", "2021-W16-4T11:30"],
    ["an ordinal date", "2021-112T11:30"],
    ["a seed example of bad input", "BAD_INPUT"],
    ["the empty string", ""],
    ["an RFC 2822 date", "Thu, 22 Apr 2021 11:30:00 +0000"],
    ["a Unix timestamp as text", "1619091000"],
  ])("rejects %s (%j) with the seed's message", async (_, text) => {
    const error = await expectCode(startOf(text), "INVALID_DATETIME");
    expect(error).toBeInstanceOf(InvalidDateTimeError);
    expect(error.message).toBe("Appointments must be a valid datetime");
  });

  it.each([
    ["month 13", "2021-13-01 11:30"],
    ["month 0", "2021-00-01 11:30"],
    ["February 30", "2021-02-30 11:30"],
    ["February 29 of a common year", "2021-02-29 11:30"],
    ["day 32", "2021-01-32 11:30"],
    ["hour 25", "2021-04-22 25:00"],
    ["hour 24", "2021-04-22T24:00"],
    ["minute 60", "2021-04-22 11:60"],
    ["an offset of 24 hours", "2021-04-22T11:30+24:00"],
  ])("rejects out-of-range values: %s (%j)", async (_, text) => {
    await expectCode(startOf(text), "INVALID_DATETIME");
  });

  // Regression: Temporal reads second 60 as 59 in every string form, so 11:29:60 was refused as misaligned
  // (and 23:59:60Z would have been read as 23:59:59Z). A leap second is no time the library can hold.
  it.each([
    "2021-04-22 11:29:60",
    "2021-04-22T11:29:60",
    "2021-04-22T11:29:60.000",
    "2021-04-22T11:29:60,5",
    "2016-12-31T23:59:60Z",
    "2021-04-22T11:29:60z",
    "2021-04-22T11:29:60+00:00",
    "2021-04-22T12:29:60+0100",
    "2021-04-22T12:29:60[Europe/London]",
    "2021-04-22T12:29:60+01:00[Europe/London]",
    "2021-04-22T11:29:60[u-ca=iso8601]",
    "2021-04-22T11:29:60Z[u-ca=iso8601]",
  ])("rejects a leap second (%j) as an invalid date-time, and writes nothing", async (text) => {
    const scheduler = createScheduler();
    await expectCode(scheduler.book(1, text), "INVALID_DATETIME");
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });

  it("rejects a leap second in the string of a PlainDateTime look-alike", async () => {
    const lookAlike = { [Symbol.toStringTag]: "Temporal.PlainDateTime", toString: () => "2021-04-22T11:29:60" };
    await expectCode(startOf(lookAlike), "INVALID_DATETIME");
  });

  it("property: second 60 is an invalid date-time in every form, where second 59 is only misaligned", async () => {
    const forms = ["", "Z", "+00:00", "[UTC]", "+00:00[UTC]", "[u-ca=gregory]"];
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date("0001-01-01T00:00Z"), max: new Date("9998-12-31T00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...forms),
        fc.constantFrom(" ", "T"),
        async (date, form, separator) => {
          const minute = date.toISOString().slice(0, 16).replace("T", separator);
          const scheduler = createScheduler();
          await expectCode(scheduler.book(1, `${minute}:59${form}`), "MISALIGNED_START");
          await expectCode(scheduler.book(1, `${minute}:60${form}`), "INVALID_DATETIME");
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    ["a number (epoch milliseconds are not guessed)", INSTANT.epochMilliseconds],
    ["a bigint", INSTANT.epochNanoseconds],
    ["null", null],
    ["undefined", undefined],
    ["a boolean", true],
    ["an object", { start: "2021-04-22 11:30" }],
    ["an array", ["2021-04-22 11:30"]],
    ["a boxed string", Object("2021-04-22 11:30")],
    ["a symbol", Symbol("2021-04-22 11:30")],
    ["a function", () => "2021-04-22 11:30"],
  ])("rejects %s", async (_, value) => {
    await expectCode(startOf(value), "INVALID_DATETIME");
  });

  it("accepts years 0000 to 9999 and rejects years outside them, also when given as a Date", async () => {
    await expect(startOf("0000-01-01 00:00")).resolves.toBeDefined();
    await expect(startOf("9999-12-31 23:00")).resolves.toBeDefined();
    await expectCode(startOf(new Date("+010000-01-01T00:00:00Z")), "INVALID_DATETIME");
    await expectCode(startOf(new Date("-000001-12-31T23:30:00Z")), "INVALID_DATETIME");
    await expectCode(startOf(new Date(8.64e15)), "INVALID_DATETIME");
    await expectCode(startOf(new Date(-8.64e15)), "INVALID_DATETIME");
  });

  it("judges the year in the user's zone", async () => {
    // 9999-12-31T23:30-05:00 is 10000-01-01T04:30 in UTC.
    await expectCode(startOf("9999-12-31T23:30-05:00"), "INVALID_DATETIME");
    await expect(startOf("9999-12-31T23:30-05:00", "America/Chicago")).resolves.toBeDefined();
  });

  // Regression: a Temporal.PlainDateTime at the edge of Temporal's range escaped as a raw RangeError
  // ("Out-of-bounds date") when converted to the user's zone. Expected INVALID_DATETIME.
  it("rejects wall-clock times at the edges of Temporal's range (regression: raw RangeError)", async () => {
    for (const edge of ["+275760-09-13T00:00", "-271821-04-20T00:00", "+100000-01-01T00:00"]) {
      await expectCode(startOf(Temporal.PlainDateTime.from(edge), "America/New_York"), "INVALID_DATETIME");
      await expectCode(startOf(Temporal.PlainDateTime.from(edge), "Asia/Tokyo"), "INVALID_DATETIME");
    }
  });

  it("rejects exact times at the edges of Temporal's range", async () => {
    const limit = 10n ** 8n * 86_400n * 10n ** 9n;
    for (const ns of [limit, -limit]) {
      for (const zone of ["-12:00", "+14:00"]) {
        await expectCode(startOf(Temporal.Instant.fromEpochNanoseconds(ns), zone), "INVALID_DATETIME");
      }
    }
  });
});

/**
 * Calendars: a Temporal object or string may name a calendar other than ISO 8601, but its fields are ISO
 * ones and its instant is the same whatever the calendar. One rule for every input: read in the ISO
 * calendar. (Before, a ZonedDateTime in the Hebrew calendar was accepted while a PlainDateTime in the
 * Japanese one, or a string naming it, was refused, because the light polyfill knows no Japanese.)
 */
describe("calendars other than ISO 8601", () => {
  const WALL_CLOCK = "2021-04-22T11:30";
  const CALENDARS = ["japanese", "hebrew", "islamic-umalqura", "chinese", "buddhist", "persian", "gregory"];

  it.each(CALENDARS)("reads a PlainDateTime in the %s calendar as the same wall-clock time", async (calendar) => {
    const plain = FullTemporal.PlainDateTime.from(WALL_CLOCK).withCalendar(calendar);
    const start = await startOf(plain, "Europe/London");
    expect(start.toString()).toBe("2021-04-22T11:30:00+01:00[Europe/London]");
  });

  it.each(CALENDARS)("reads a ZonedDateTime in the %s calendar as the same instant", async (calendar) => {
    const zoned = FullTemporal.ZonedDateTime.from("2021-04-22T20:30[Asia/Tokyo]").withCalendar(calendar);
    expect((await startOf(zoned)).toInstant()).toEqual(INSTANT);
  });

  it.each([
    ["a wall-clock time", "2021-04-22T11:30[u-ca=japanese]"],
    ["a critical annotation", "2021-04-22T11:30[!u-ca=hebrew]"],
    ["an exact time", "2021-04-22T11:30Z[u-ca=hebrew]"],
    ["an offset", "2021-04-22T20:30+09:00[u-ca=japanese]"],
    ["a zone", "2021-04-22T20:30[Asia/Tokyo][u-ca=japanese]"],
    ["a zone and an offset", "2021-04-22T20:30+09:00[Asia/Tokyo][u-ca=japanese]"],
    ["an alias of Temporal", "2021-04-22T11:30[u-ca=islamicc]"],
    ["letters of either case", "2021-04-22T11:30[u-ca=Japanese]"],
    ["the ISO calendar", "2021-04-22T11:30Z[u-ca=iso8601]"],
  ])("reads a string with a calendar annotation on %s as the ISO time it writes (%j)", async (_, text) => {
    expect((await startOf(text)).toInstant()).toEqual(INSTANT);
  });

  it.each([
    ["an unknown calendar", "2021-04-22T11:30[u-ca=klingon]"],
    ["a calendar Temporal refuses", "2021-04-22T11:30Z[u-ca=islamic]"],
    ["an empty calendar", "2021-04-22T11:30[u-ca=]"],
    ["two calendars, one critical", "2021-04-22T11:30[!u-ca=japanese][u-ca=hebrew]"],
  ])("rejects %s (%j), as Temporal does", async (_, text) => {
    await expectCode(startOf(text), "INVALID_DATETIME");
  });

  it("property: a PlainDateTime or its string means the same time in every calendar", async () => {
    const calendars = [...CALENDARS, "iso8601", "coptic", "ethiopic", "indian", "roc", "dangi", "islamic-civil"];
    await fc.assert(
      fc.asyncProperty(
        fc.date({ min: new Date("1900-01-01T00:00Z"), max: new Date("2100-01-01T00:00Z"), noInvalidDate: true }),
        fc.constantFrom(...calendars),
        async (date, calendar) => {
          const iso = FullTemporal.PlainDateTime.from(date.toISOString().slice(0, 13)).with({ minute: 30 });
          const expected = (await startOf(iso.toString(), "+05:45")).toInstant();
          const inCalendar = iso.withCalendar(calendar);
          expect((await startOf(inCalendar, "+05:45")).toInstant()).toEqual(expected);
          expect((await startOf(inCalendar.toString(), "+05:45")).toInstant()).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads availability's date in any calendar, as a PlainDate or a string, as the ISO date", async () => {
    const scheduler = createScheduler({ policy: { alignmentMinutes: 720 } });
    const expected = ["2021-04-22T00:00:00+00:00[UTC]", "2021-04-22T12:00:00+00:00[UTC]"];
    const starts = async (date: unknown) =>
      (await scheduler.availability(1, date as string)).map((slot) => slot.start.toString());
    expect(await starts(FullTemporal.PlainDate.from("2021-04-22").withCalendar("hebrew"))).toEqual(expected);
    expect(await starts(FullTemporal.PlainDate.from("2021-04-22").withCalendar("japanese"))).toEqual(expected);
    expect(await starts("2021-04-22[u-ca=japanese]")).toEqual(expected);
    expect(await starts("2021-04-22[!u-ca=hebrew]")).toEqual(expected);
    await expectCode(scheduler.availability(1, "2021-04-22[u-ca=klingon]"), "INVALID_ARGUMENT");
    // A date has no time to place in a zone: a zone annotation would be ignored, so it is refused.
    await expectCode(scheduler.availability(1, "2021-04-22[Europe/London]"), "INVALID_ARGUMENT");
  });
});
