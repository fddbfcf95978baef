/**
 * Daylight saving: wall-clock times in a gap are rejected with their own error, repeated times follow the
 * `ambiguousTime` rule (an offset picks the occurrence), durations are elapsed time, and availability on
 * 23- and 25-hour days lists exactly the times that exist, repeated ones twice. Alignment and dates are
 * judged in local time, also in zones with unusual offsets (Kathmandu +05:45) or 30-minute shifts (Lord Howe).
 *
 * Transitions used (2021):
 * - America/New_York: gap 02:00–03:00 on 14 March, repeated 01:00–02:00 on 7 November.
 * - Europe/London: gap 01:00–02:00 on 28 March, repeated 01:00–02:00 on 31 October.
 * - Australia/Lord_Howe: gap 02:00–02:30 on 3 October, repeated 01:30–02:00 on 4 April.
 * - America/Havana: gap 00:00–01:00 on 14 March (that day has no midnight).
 */
import {
  AmbiguousLocalTimeError,
  type AmbiguousTimeRule,
  createScheduler,
  NonexistentLocalTimeError,
} from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { expectCode } from "./support.js";

const wallClock = (time: Temporal.ZonedDateTime) => time.toPlainDateTime().toString({ smallestUnit: "minute" });
const hhmm = (time: Temporal.ZonedDateTime) => time.toPlainTime().toString({ smallestUnit: "minute" });

describe("daylight-saving gaps", () => {
  it.each([
    ["America/New_York", "2021-03-14 02:00"],
    ["America/New_York", "2021-03-14 02:30"],
    ["Europe/London", "2021-03-28 01:00"],
    ["Europe/London", "2021-03-28 01:30"],
    ["Australia/Lord_Howe", "2021-10-03 02:00"],
    ["America/Havana", "2021-03-14 00:00"],
    ["America/Havana", "2021-03-14 00:30"],
  ])("rejects %s %s, which never happens, with NONEXISTENT_LOCAL_TIME", async (timeZone, start) => {
    const scheduler = createScheduler({ timeZone });
    const error = await expectCode(scheduler.book(1, start), "NONEXISTENT_LOCAL_TIME");
    expect(error).toBeInstanceOf(NonexistentLocalTimeError);
    expect(error).toMatchObject({ localTime: `${start.replace(" ", "T")}:00`, timeZone });
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });

  it("rejects a gap time given as a PlainDateTime or with a [Zone] annotation, never moving it", async () => {
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    await expectCode(scheduler.book(1, Temporal.PlainDateTime.from("2021-03-14T02:30")), "NONEXISTENT_LOCAL_TIME");
    // A wall-clock time in a gap of the annotated zone, for a user in another zone.
    await expectCode(createScheduler().book(1, "2021-03-28T01:30[Europe/London]"), "NONEXISTENT_LOCAL_TIME");
  });

  it.each([
    ["America/New_York", "2021-03-14 01:30", "2021-03-14T01:30:00-05:00"],
    ["America/New_York", "2021-03-14 03:00", "2021-03-14T03:00:00-04:00"],
    ["Europe/London", "2021-03-28 02:00", "2021-03-28T02:00:00+01:00"],
    ["Australia/Lord_Howe", "2021-10-03 01:30", "2021-10-03T01:30:00+10:30"],
    ["Australia/Lord_Howe", "2021-10-03 02:30", "2021-10-03T02:30:00+11:00"],
    ["America/Havana", "2021-03-14 01:00", "2021-03-14T01:00:00-04:00"],
  ])("accepts %s %s next to the gap", async (timeZone, start, expected) => {
    const appointment = await createScheduler({ timeZone }).book(1, start);
    expect(appointment.start.toString({ timeZoneName: "never" })).toBe(expected);
  });

  it("accepts an exact time in the gap's hour, since an exact time always exists", async () => {
    // 07:00Z is 03:00 EDT; an appointment 01:30 EST lasts to 03:00 EDT (30 minutes).
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    const appointment = await scheduler.book(1, "2021-03-14T06:30Z");
    expect(toWireAppointment(appointment)).toEqual({ start_time: "2021-03-14 01:30", end_time: "2021-03-14 03:00" });
  });
});

describe("repeated (ambiguous) wall-clock times", () => {
  const cases: [timeZone: string, start: string, earlier: string, later: string][] = [
    ["America/New_York", "2021-11-07 01:30", "-04:00", "-05:00"],
    ["America/New_York", "2021-11-07 01:00", "-04:00", "-05:00"],
    ["Europe/London", "2021-10-31 01:30", "+01:00", "+00:00"],
    ["Australia/Lord_Howe", "2021-04-04 01:30", "+11:00", "+10:30"],
  ];

  it.each(cases)("%s %s: 'earlier' (the default) takes the first occurrence", async (timeZone, start, earlier) => {
    for (const scheduler of [createScheduler({ timeZone }), createScheduler({ timeZone, ambiguousTime: "earlier" })]) {
      const appointment = await scheduler.book(1, start);
      expect(appointment.start.offset).toBe(earlier);
      expect(wallClock(appointment.start)).toBe(start.replace(" ", "T"));
    }
  });

  it.each(cases)("%s %s: 'later' takes the second occurrence", async (timeZone, start, _, later) => {
    const appointment = await createScheduler({ timeZone, ambiguousTime: "later" }).book(1, start);
    expect(appointment.start.offset).toBe(later);
    expect(wallClock(appointment.start)).toBe(start.replace(" ", "T"));
  });

  it.each(cases)("%s %s: 'reject' raises AMBIGUOUS_LOCAL_TIME", async (timeZone, start) => {
    const scheduler = createScheduler({ timeZone, ambiguousTime: "reject" });
    const error = await expectCode(scheduler.book(1, start), "AMBIGUOUS_LOCAL_TIME");
    expect(error).toBeInstanceOf(AmbiguousLocalTimeError);
    expect(error).toMatchObject({ localTime: `${start.replace(" ", "T")}:00`, timeZone });
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });

  it.each(cases)("%s %s: an offset picks the occurrence, under every rule", async (timeZone, start, earlier, later) => {
    for (const rule of ["earlier", "later", "reject"] as const) {
      const scheduler = createScheduler({ timeZone, ambiguousTime: rule });
      for (const offset of [earlier, later]) {
        const withOffset = `${start.replace(" ", "T")}${offset}`;
        const appointment = await scheduler.book(offset === earlier ? 1 : 2, withOffset);
        expect(appointment.start.offset).toBe(offset);
        // The same offset with the zone annotation (RFC 9557) is exact as well.
        const annotated = await scheduler.book(offset === earlier ? 3 : 4, `${withOffset}[${timeZone}]`);
        expect(annotated.start.equals(appointment.start)).toBe(true);
      }
    }
  });

  it("treats a ZonedDateTime in the repeated hour as exact, whatever the rule", async () => {
    const second = Temporal.ZonedDateTime.from("2021-11-07T01:30-05:00[America/New_York]");
    const scheduler = createScheduler({ timeZone: "America/New_York", ambiguousTime: "reject" });
    expect((await scheduler.book(1, second)).start.equals(second)).toBe(true);
  });

  it("applies the rule to a PlainDateTime and to a [Zone] annotation without offset", async () => {
    const later = createScheduler({ timeZone: "America/New_York", ambiguousTime: "later" });
    expect((await later.book(1, Temporal.PlainDateTime.from("2021-11-07T01:30"))).start.offset).toBe("-05:00");
    expect((await later.book(2, "2021-11-07T01:30[America/New_York]")).start.offset).toBe("-05:00");
    const reject = createScheduler({ timeZone: "UTC", ambiguousTime: "reject" });
    await expectCode(reject.book(1, "2021-10-31T01:30[Europe/London]"), "AMBIGUOUS_LOCAL_TIME");
  });

  it("does not call a time next to the repeated hour ambiguous", async () => {
    const scheduler = createScheduler({ timeZone: "America/New_York", ambiguousTime: "reject" });
    expect((await scheduler.book(1, "2021-11-07 00:30")).start.offset).toBe("-04:00");
    expect((await scheduler.book(2, "2021-11-07 02:00")).start.offset).toBe("-05:00");
  });

  it.each<AmbiguousTimeRule>(["earlier", "later"])(
    "counts both occurrences on the same date under '%s' (one appointment per date)",
    async (ambiguousTime) => {
      const scheduler = createScheduler({ timeZone: "America/New_York", ambiguousTime });
      await scheduler.book(1, "2021-11-07T01:30-04:00");
      await expectCode(scheduler.book(1, "2021-11-07T01:30-05:00"), "LIMIT_REACHED");
    },
  );
});

describe("durations are elapsed time", () => {
  it("ends 30 real minutes later across the fall-back change: 01:30 EDT to 01:00 EST", async () => {
    const appointment = await createScheduler({ timeZone: "America/New_York" }).book(1, "2021-11-07 01:30");
    expect(appointment.end.toString()).toBe("2021-11-07T01:00:00-05:00[America/New_York]");
    expect(appointment.start.until(appointment.end).total("minutes")).toBe(30);
    expect(toWireAppointment(appointment)).toEqual({ start_time: "2021-11-07 01:30", end_time: "2021-11-07 01:00" });
  });

  it("ends 30 real minutes later across the spring-forward change: 01:30 EST to 03:00 EDT", async () => {
    const appointment = await createScheduler({ timeZone: "America/New_York" }).book(1, "2021-03-14 01:30");
    expect(appointment.end.toString()).toBe("2021-03-14T03:00:00-04:00[America/New_York]");
  });

  it("makes a 24-hour appointment end at a different wall-clock time on a 25-hour day", async () => {
    const scheduler = createScheduler({ timeZone: "Europe/London", policy: { durationMinutes: 1440 } });
    const appointment = await scheduler.book(1, "2021-10-30 12:00");
    expect(wallClock(appointment.end)).toBe("2021-10-31T11:00");
    expect(appointment.end.epochMilliseconds - appointment.start.epochMilliseconds).toBe(86_400_000);
  });

  it("ends 30 real minutes later across Lord Howe's 30-minute change", async () => {
    const scheduler = createScheduler({ timeZone: "Australia/Lord_Howe" });
    const appointment = await scheduler.book(1, "2021-10-03 01:30");
    expect(appointment.end.toString()).toBe("2021-10-03T02:30:00+11:00[Australia/Lord_Howe]");
  });
});

describe("availability on days of changing length", () => {
  it.each([
    ["America/New_York", "2021-03-14", 46, ["02:00", "02:30"]],
    ["Europe/London", "2021-03-28", 46, ["01:00", "01:30"]],
    ["Australia/Lord_Howe", "2021-10-03", 47, ["02:00"]],
    ["America/Havana", "2021-03-14", 46, ["00:00", "00:30"]],
  ])("%s on %s (short day) offers %i starts, none in the gap %j", async (timeZone, date, count, missing) => {
    const slots = await createScheduler({ timeZone }).availability(1, date);
    expect(slots).toHaveLength(count);
    const times = slots.map((slot) => hhmm(slot.start));
    for (const time of missing) expect(times).not.toContain(time);
    expect(new Set(times).size).toBe(times.length);
    for (const slot of slots) expect(slot.start.toPlainDate().toString()).toBe(date);
  });

  it.each([
    ["America/New_York", "2021-11-07", 50, ["01:00", "01:30"]],
    ["Europe/London", "2021-10-31", 50, ["01:00", "01:30"]],
    ["Australia/Lord_Howe", "2021-04-04", 49, ["01:30"]],
  ])("%s on %s (long day) offers %i starts, %j twice as distinct slots", async (timeZone, date, count, repeated) => {
    const slots = await createScheduler({ timeZone }).availability(1, date);
    expect(slots).toHaveLength(count);
    for (const time of repeated) {
      const both = slots.filter((slot) => hhmm(slot.start) === time);
      expect(both).toHaveLength(2);
      const [first, second] = both as [(typeof both)[0], (typeof both)[0]];
      expect(first.start.offset).not.toBe(second.start.offset);
      expect(first.start.epochMilliseconds).toBeLessThan(second.start.epochMilliseconds);
    }
    // Distinct and in time order, as exact times.
    const instants = slots.map((slot) => slot.start.epochMilliseconds);
    expect(instants).toEqual([...new Set(instants)].sort((a, b) => a - b));
  });

  it.each([
    ["America/New_York", "2021-04-22"],
    ["Asia/Kathmandu", "2021-04-22"],
    ["Australia/Lord_Howe", "2021-07-01"],
  ])("%s on an ordinary day offers 48 starts", async (timeZone, date) => {
    expect(await createScheduler({ timeZone }).availability(1, date)).toHaveLength(48);
  });

  it("lets each occurrence of a repeated time be booked by passing its slot back", async () => {
    const scheduler = createScheduler({ timeZone: "America/New_York", ambiguousTime: "reject" });
    const repeated = (await scheduler.availability(1, "2021-11-07")).filter((slot) => hhmm(slot.start) === "01:30");
    const booked = await Promise.all(repeated.map((slot, user) => scheduler.book(user + 1, slot.start)));
    expect(booked.map((appointment) => appointment.start.offset)).toEqual(["-04:00", "-05:00"]);
    expect(booked.map((appointment) => appointment.end.toString())).toEqual(
      repeated.map((slot) => slot.end.toString()),
    );
  });

  it("leaves a short day's availability empty after one booking, as on any day", async () => {
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    await scheduler.book(1, "2021-03-14 03:00");
    expect(await scheduler.availability(1, "2021-03-14")).toEqual([]);
  });
});

describe("alignment and dates in local time", () => {
  it("judges alignment on Kathmandu's wall clock (+05:45), not on UTC's", async () => {
    const scheduler = createScheduler({ timeZone: "Asia/Kathmandu" });
    const appointment = await scheduler.book(1, "2021-04-22 11:30");
    expect(appointment.start.toInstant().toString()).toBe("2021-04-22T05:45:00Z");
    // 06:00Z is 11:45 in Kathmandu: on the hour in UTC, off the half hour locally.
    await expectCode(scheduler.book(2, "2021-04-22T06:00:00Z"), "MISALIGNED_START");
    await expect(scheduler.book(3, "2021-04-22T06:15:00Z")).resolves.toBeDefined();
    for (const slot of await scheduler.availability(4, "2021-04-23")) {
      expect(slot.start.minute % 30).toBe(0);
      expect(slot.start.toInstant().toString()).toMatch(/:(15|45):00Z$/);
    }
  });

  it("judges alignment on Lord Howe's wall clock in both of its offsets (+10:30 and +11:00)", async () => {
    const scheduler = createScheduler({ timeZone: "Australia/Lord_Howe", policy: { alignmentMinutes: 60 } });
    await expect(scheduler.book(1, "2021-07-01 10:00")).resolves.toBeDefined(); // +10:30
    await expect(scheduler.book(2, "2021-12-01 10:00")).resolves.toBeDefined(); // +11:00
    await expectCode(scheduler.book(3, "2021-07-01T00:00Z"), "MISALIGNED_START"); // 10:30 local
  });

  it("counts the user's local date, not the UTC date", async () => {
    // In New York, 21:00 on 22 April is 01:00Z on 23 April.
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    await scheduler.book(1, "2021-04-22 21:00");
    await expectCode(scheduler.book(1, "2021-04-22 08:00"), "LIMIT_REACHED"); // same local date
    await expect(scheduler.book(1, "2021-04-23 10:00")).resolves.toBeDefined(); // same UTC date, next local one
  });

  it("treats the first instant of a day without midnight as its start (America/Havana)", async () => {
    // 23:30 on 13 March + 30 minutes is 01:00 on 14 March, the first instant of that day.
    const counts = createScheduler({ timeZone: "America/Havana" });
    const appointment = await counts.book(1, "2021-03-13 23:30");
    expect(toWireAppointment(appointment).end_time).toBe("2021-03-14 01:00");
    await expectCode(counts.book(1, "2021-03-14 12:00"), "LIMIT_REACHED");

    const doesNotCount = createScheduler({
      timeZone: "America/Havana",
      policy: { endAtMidnightCountsOnNextDate: false },
    });
    await doesNotCount.book(1, "2021-03-13 23:30");
    await expect(doesNotCount.book(1, "2021-03-14 12:00")).resolves.toBeDefined();
  });
});
