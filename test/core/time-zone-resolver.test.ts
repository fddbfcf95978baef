/**
 * The time zone that defines a user's calendar: one per scheduler (default UTC), or resolved per user,
 * synchronously or not. Each user's wall-clock times, alignment and dates are judged in their own zone.
 */
import { createScheduler, InvalidTimeZoneError, type TimeZoneResolver } from "appointment-scheduler";
import { toWireAppointment } from "appointment-scheduler/http";
import { describe, expect, it } from "vitest";
import { expectCode, expectThrownCode } from "./support.js";

const ZONES: Record<string, string> = {
  ny: "America/New_York",
  ktm: "Asia/Kathmandu",
  tokyo: "Asia/Tokyo",
  "42": "Europe/London",
};
const byUser: TimeZoneResolver = (userId) => ZONES[userId] ?? "UTC";

describe("a fixed time zone", () => {
  it("is UTC by default", async () => {
    const appointment = await createScheduler().book(1, "2021-04-22 11:30");
    expect(appointment.start.timeZoneId).toBe("UTC");
  });

  it("accepts IANA names (in canonical case) and UTC offsets", async () => {
    const london = await createScheduler({ timeZone: "europe/london" }).book(1, "2021-04-22 11:30");
    expect(london.start.timeZoneId).toBe("Europe/London");
    const offset = await createScheduler({ timeZone: "+05:45" }).book(1, "2021-04-22 11:30");
    expect(offset.start.toString()).toBe("2021-04-22T11:30:00+05:45[+05:45]");
  });

  it.each(["Mars/Olympus_Mons", "", "Europe/Nowhere", "+24:00", "EST5EDT6"])(
    "rejects %j when the scheduler is created",
    (timeZone) => {
      const error = expectThrownCode(() => createScheduler({ timeZone }), "INVALID_TIME_ZONE");
      expect(error).toBeInstanceOf(InvalidTimeZoneError);
      expect(error).toMatchObject({ timeZone });
    },
  );
});

describe("a resolver per user", () => {
  it("reads the same wall-clock text in each user's own zone", async () => {
    const scheduler = createScheduler({ timeZone: byUser });
    const ny = await scheduler.book("ny", "2021-04-22 11:30");
    const ktm = await scheduler.book("ktm", "2021-04-22 11:30");
    expect(ny.start.toInstant().toString()).toBe("2021-04-22T15:30:00Z");
    expect(ktm.start.toInstant().toString()).toBe("2021-04-22T05:45:00Z");
    // Each is shown, and formatted, in its user's zone.
    expect(toWireAppointment(ny)).toEqual(toWireAppointment(ktm));
    expect((await scheduler.list("ny")).appointments[0]?.start.timeZoneId).toBe("America/New_York");
  });

  it("judges each user's dates in their own zone", async () => {
    // 2021-04-22T23:00Z is 19:00 on the 22nd in New York and 08:00 on the 23rd in Tokyo.
    const scheduler = createScheduler({ timeZone: byUser });
    await scheduler.book("ny", "2021-04-22T23:00Z");
    await scheduler.book("tokyo", "2021-04-22T23:00Z");
    await expectCode(scheduler.book("ny", "2021-04-22 09:00"), "LIMIT_REACHED");
    await expect(scheduler.book("ny", "2021-04-23 09:00")).resolves.toBeDefined();
    await expectCode(scheduler.book("tokyo", "2021-04-23 15:00"), "LIMIT_REACHED");
    await expect(scheduler.book("tokyo", "2021-04-22 15:00")).resolves.toBeDefined();
  });

  it("judges each user's alignment in their own zone", async () => {
    const scheduler = createScheduler({ timeZone: byUser });
    // 05:45Z is on the half hour in Kathmandu only.
    await expect(scheduler.book("ktm", "2021-04-22T05:45Z")).resolves.toBeDefined();
    await expectCode(scheduler.book("ny", "2021-04-22T05:45Z"), "MISALIGNED_START");
  });

  it("gives availability in each user's zone", async () => {
    const scheduler = createScheduler({ timeZone: byUser });
    const ny = await scheduler.availability("ny", "2021-03-14");
    const tokyo = await scheduler.availability("tokyo", "2021-03-14");
    expect(ny).toHaveLength(46); // spring-forward in New York
    expect(tokyo).toHaveLength(48);
    expect(tokyo[0]?.start.toString()).toBe("2021-03-14T00:00:00+09:00[Asia/Tokyo]");
  });

  it("may be async, and receives the canonical user id and the caller's signal", async () => {
    const seen: [string, AbortSignal | undefined][] = [];
    const scheduler = createScheduler({
      timeZone: async (userId, { signal }) => {
        seen.push([userId, signal]);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return ZONES[userId] ?? "UTC";
      },
    });
    const { signal } = new AbortController();
    const appointment = await scheduler.book(42, "2021-04-22 11:30", { signal });
    expect(appointment.start.toString()).toBe("2021-04-22T11:30:00+01:00[Europe/London]");
    expect(seen).toEqual([["42", signal]]);
  });

  it.each([
    ["an unknown zone", "Mars/Olympus_Mons"],
    ["an empty string", ""],
    ["a number", 5],
    ["null", null],
    ["an object", { timeZone: "UTC" }],
  ])("reports %s resolved for a user as INVALID_TIME_ZONE, on every operation, writing nothing", async (_, zone) => {
    const scheduler = createScheduler({ timeZone: (() => zone) as unknown as TimeZoneResolver });
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:30"), "INVALID_TIME_ZONE");
    expect(error).toMatchObject({ timeZone: zone });
    await expectCode(scheduler.list(1), "INVALID_TIME_ZONE");
    await expectCode(scheduler.get(1, "id"), "INVALID_TIME_ZONE");
    await expectCode(scheduler.cancel(1, "id"), "INVALID_TIME_ZONE");
    await expectCode(scheduler.reschedule(1, "id", "2021-04-22 11:30"), "INVALID_TIME_ZONE");
    await expectCode(scheduler.availability(1, "2021-04-22"), "INVALID_TIME_ZONE");
  });

  it("does not disguise the resolver's own failure: its error reaches the caller unchanged", async () => {
    // The resolver is the caller's code (a profile lookup, say); its failure is theirs to recognise.
    const failure = new Error("profile service down");
    const scheduler = createScheduler({
      timeZone: async () => {
        throw failure;
      },
    });
    await expect(scheduler.book(1, "2021-04-22 11:30")).rejects.toBe(failure);
  });

  it("shows existing appointments in the user's new zone when it changes, keeping the dates they hold", async () => {
    const zones = new Map([["traveller", "America/New_York"]]);
    const scheduler = createScheduler({ timeZone: (userId) => zones.get(userId) ?? "UTC" });
    // 20:00 on the 22nd in New York is 09:00 on the 23rd in Tokyo.
    const booked = await scheduler.book("traveller", "2021-04-22 20:00");
    zones.set("traveller", "Asia/Tokyo");
    const [shown] = (await scheduler.list("traveller")).appointments;
    expect(shown?.start.toString()).toBe("2021-04-23T09:00:00+09:00[Asia/Tokyo]");
    expect(shown?.start.equals(booked.start.withTimeZone("Asia/Tokyo"))).toBe(true);
    // It still holds New York's 22 April, not Tokyo's 23 April.
    await expect(scheduler.book("traveller", "2021-04-23 15:00")).resolves.toBeDefined();
  });
});
