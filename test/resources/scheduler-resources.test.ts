/**
 * Bookable resources through the scheduler: a resource's hours (weekly, exceptions, across daylight-saving
 * changes, in its own zone), buffers, capacity and appointment types; the typed refusals; moves that keep the
 * resource; a resource's day view; and availability that agrees with `book` (a property).
 */
import {
  createScheduler,
  MemoryStore,
  OutsideResourceHoursError,
  ResourceFullError,
  type SchedulerOptions,
  UnknownAppointmentTypeError,
  UnknownResourceError,
} from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { weekdays } from "./support.js";

/** The docs' two-practitioner clinic, in New York. */
function clinic(extra: Partial<SchedulerOptions> = {}) {
  return createScheduler({
    store: new MemoryStore(),
    timeZone: "America/New_York",
    policy: {
      limit: { max: 5, per: "day" },
      appointmentTypes: { checkup: { durationMinutes: 30 }, consult: { durationMinutes: 60 } },
    },
    resources: {
      "dr-lee": {
        timeZone: "America/New_York",
        weeklyHours: weekdays([
          ["09:00", "12:00"],
          ["13:00", "17:00"],
        ]),
        bufferAfterMinutes: 15,
      },
      "dr-kim": {
        timeZone: "America/New_York",
        weeklyHours: { ...weekdays([["09:00", "17:00"]]), saturday: [["10:00", "14:00"]] },
        exceptions: [{ date: "2021-04-23", hours: [] }],
      },
      "yoga-room": { timeZone: "America/New_York", weeklyHours: weekdays([["07:00", "21:00"]]), capacity: 2 },
    },
    ...extra,
  });
}

describe("booking a resource", () => {
  it("books within the hours and refuses a second user at an overlapping time, without showing them the first", async () => {
    const scheduler = clinic();
    const first = await scheduler.book("ann", "2021-04-22 10:00", { resource: "dr-lee", type: "consult" });
    expect(first.resource?.id).toBe("dr-lee");
    expect(first.type).toBe("consult");
    expect(first.end.toString()).toContain("11:00");
    expect(first.resource?.occupiedUntil.toString()).toContain("11:15"); // the buffer after
    // 10:30–11:00 overlaps partly; 11:00–11:30 starts inside the buffer.
    for (const start of ["2021-04-22 10:30", "2021-04-22 11:00"]) {
      const error = await scheduler.book("bob", start, { resource: "dr-lee" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResourceFullError);
      expect((error as ResourceFullError).conflicting).toBeNull();
    }
    // After the buffer, and another practitioner at the same time, both fit.
    await scheduler.book("bob", "2021-04-22 11:30", { resource: "dr-lee" }).then(
      () => expect.unreachable("11:30–12:00 plus 15 minutes ends after the morning block"),
      (error: unknown) => expect(error).toBeInstanceOf(OutsideResourceHoursError),
    );
    expect((await scheduler.book("bob", "2021-04-22 13:00", { resource: "dr-lee" })).resource?.id).toBe("dr-lee");
    expect((await scheduler.book("cy", "2021-04-22 10:30", { resource: "dr-kim" })).resource?.id).toBe("dr-kim");
  });

  it("shows the conflicting appointment when it is the user's own", async () => {
    const scheduler = clinic({ policy: { limit: { max: 5, per: "day" }, allowOverlap: true } });
    const first = await scheduler.book("ann", "2021-04-22 10:00", { resource: "dr-lee" });
    const error = await scheduler.book("ann", "2021-04-22 10:00", { resource: "dr-lee" }).catch((e: unknown) => e);
    expect((error as ResourceFullError).conflicting?.id).toBe(first.id);
  });

  it("seats a group session up to its capacity", async () => {
    const scheduler = clinic();
    await scheduler.book("a", "2021-04-22 18:00", { resource: "yoga-room" });
    await scheduler.book("b", "2021-04-22 18:00", { resource: "yoga-room" });
    await expect(scheduler.book("c", "2021-04-22 18:00", { resource: "yoga-room" })).rejects.toBeInstanceOf(
      ResourceFullError,
    );
    // Full only where both overlap: a start at 18:30 finds the room empty again.
    expect((await scheduler.book("c", "2021-04-22 18:30", { resource: "yoga-room" })).resource?.id).toBe("yoga-room");
  });

  it("follows exceptions: a day off, and Saturday hours", async () => {
    const scheduler = clinic();
    await expect(scheduler.book("a", "2021-04-23 10:00", { resource: "dr-kim" })).rejects.toBeInstanceOf(
      OutsideResourceHoursError,
    );
    expect((await scheduler.book("a", "2021-04-24 13:30", { resource: "dr-kim" })).resource?.id).toBe("dr-kim");
    await expect(scheduler.book("b", "2021-04-24 14:00", { resource: "dr-kim" })).rejects.toBeInstanceOf(
      OutsideResourceHoursError,
    );
  });

  it("refuses unknown resources and types, typed", async () => {
    const scheduler = clinic();
    await expect(scheduler.book("a", "2021-04-22 10:00", { resource: "dr-who" })).rejects.toBeInstanceOf(
      UnknownResourceError,
    );
    await expect(scheduler.book("a", "2021-04-22 10:00", { type: "surgery" })).rejects.toBeInstanceOf(
      UnknownAppointmentTypeError,
    );
    await expect(createScheduler().book("a", "2021-04-22 10:00", { resource: "x" })).rejects.toBeInstanceOf(
      UnknownResourceError,
    );
  });

  it("asks a resolver, and refuses a bad definition with the field named", async () => {
    const asked: string[] = [];
    const scheduler = createScheduler({
      resources: async (id) => {
        asked.push(id);
        return id === "room-1" ? { timeZone: "UTC", weeklyHours: weekdays([["00:00", "24:00"]]) } : null;
      },
    });
    expect((await scheduler.book("a", "2021-04-22 10:00", { resource: "room-1" })).resource?.id).toBe("room-1");
    await expect(scheduler.book("a", "2021-04-23 10:00", { resource: "room-2" })).rejects.toBeInstanceOf(
      UnknownResourceError,
    );
    expect(asked).toEqual(["room-1", "room-2"]);
    expect(() =>
      createScheduler({ resources: { x: { timeZone: "UTC", weeklyHours: { monday: [["09:00", "08:00"]] } } } }),
    ).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT", argument: 'options.resources["x"].weeklyHours.monday[0]' }),
    );
  });
});

describe("appointment types", () => {
  it("start on their own grid when they set one, in book and availability", async () => {
    const scheduler = createScheduler({
      store: new MemoryStore(),
      policy: {
        limit: { max: 5, per: "day" },
        appointmentTypes: { checkup: { durationMinutes: 30 }, consult: { durationMinutes: 60, alignmentMinutes: 60 } },
      },
    });
    await expect(scheduler.book("ann", "2021-04-22 10:30", { type: "consult" })).rejects.toMatchObject({
      code: "MISALIGNED_START",
      alignmentMinutes: 60,
    });
    await expect(scheduler.book("ann", "2021-04-22 10:30", { type: "checkup" })).resolves.toMatchObject({
      type: "checkup",
    });
    await expect(scheduler.book("ann", "2021-04-22 12:00", { type: "consult" })).resolves.toMatchObject({
      type: "consult",
    });
    const consults = await scheduler.availability("bob", "2021-04-22", { type: "consult" });
    expect(consults).toHaveLength(24);
    expect(consults.every((slot) => slot.start.minute === 0)).toBe(true);
    expect(await scheduler.availability("bob", "2021-04-22", { type: "checkup" })).toHaveLength(48);
    for (const alignmentMinutes of [7, 0, 1441, 2.5]) {
      expect(() =>
        createScheduler({ policy: { appointmentTypes: { odd: { durationMinutes: 30, alignmentMinutes } } } }),
      ).toThrow(expect.objectContaining({ argument: "options.policy.appointmentTypes.odd.alignmentMinutes" }));
    }
  });
});

describe("moving an appointment with a resource", () => {
  it("keeps its resource and type, and checks the resource at the new time", async () => {
    const scheduler = clinic();
    const ann = await scheduler.book("ann", "2021-04-22 09:00", { resource: "dr-lee", type: "consult" });
    await scheduler.book("bob", "2021-04-22 14:00", { resource: "dr-lee" });
    await expect(scheduler.reschedule("ann", ann.id, "2021-04-22 13:30")).rejects.toBeInstanceOf(ResourceFullError);
    const moved = await scheduler.reschedule("ann", ann.id, "2021-04-22 15:00");
    expect(moved.resource?.id).toBe("dr-lee");
    expect(moved.end.toString()).toContain("16:00");
    // The old time is free again.
    expect((await scheduler.book("cy", "2021-04-22 09:00", { resource: "dr-lee" })).resource?.id).toBe("dr-lee");
  });

  it("fails, rather than drop them, in a scheduler that does not define its resource or type", async () => {
    const store = new MemoryStore();
    const scheduler = clinic({ store });
    const ann = await scheduler.book("ann", "2021-04-22 09:00", { resource: "dr-lee" });
    const typed = await scheduler.book("bob", "2021-04-22 10:00", { type: "consult" });
    const bare = createScheduler({ store, timeZone: "America/New_York", policy: { limit: { max: 5, per: "day" } } });
    await expect(bare.reschedule("ann", ann.id, "2021-04-22 11:00")).rejects.toBeInstanceOf(UnknownResourceError);
    await expect(bare.reschedule("bob", typed.id, "2021-04-22 11:00")).rejects.toBeInstanceOf(
      UnknownAppointmentTypeError,
    );
    expect(await bare.get("ann", ann.id)).toEqual(ann);
    expect(await bare.get("bob", typed.id)).toEqual(typed);
  });
});

describe("a resource's day view", () => {
  it("lists every user's appointments on the resource, in order, in its zone", async () => {
    const scheduler = clinic();
    await scheduler.book("bob", "2021-04-22 14:00", { resource: "dr-lee" });
    await scheduler.book("ann", "2021-04-22 09:00", { resource: "dr-lee" });
    await scheduler.book("cy", "2021-04-22 09:00", { resource: "dr-kim" });
    const day = await scheduler.listByResource("dr-lee", { from: "2021-04-22", to: "2021-04-23" });
    expect(day.map((a) => [a.userId, a.start.toPlainTime().toString()])).toEqual([
      ["ann", "09:00:00"],
      ["bob", "14:00:00"],
    ]);
    expect(day[0]?.start.timeZoneId).toBe("America/New_York");
  });
});

describe("working hours across daylight-saving changes", () => {
  it("keeps 09:00–17:00 on both sides of New York's spring change, and a night shift across the gap", async () => {
    const scheduler = createScheduler({
      timeZone: "America/New_York",
      resources: {
        day: {
          timeZone: "America/New_York",
          weeklyHours: { saturday: [["09:00", "17:00"]], sunday: [["09:00", "17:00"]] },
        },
        night: {
          timeZone: "America/New_York",
          weeklyHours: { saturday: [["22:00", "24:00"]], sunday: [["00:00", "06:00"]] },
        },
      },
    });
    for (const date of ["2021-03-13", "2021-03-14"]) {
      expect((await scheduler.book(`u${date}`, `${date} 09:00`, { resource: "day" })).resource?.id).toBe("day");
      await expect(scheduler.book(`v${date}`, `${date} 08:30`, { resource: "day" })).rejects.toBeInstanceOf(
        OutsideResourceHoursError,
      );
      expect((await scheduler.book(`w${date}`, `${date} 16:30`, { resource: "day" })).resource?.id).toBe("day");
    }
    // 01:30 EST on the 14th is within the night shift, which runs across midnight and the 02:00 gap to 06:00.
    expect((await scheduler.book("n1", "2021-03-14 01:30", { resource: "night" })).resource?.id).toBe("night");
    expect((await scheduler.book("n2", "2021-03-14 05:30", { resource: "night" })).resource?.id).toBe("night");
  });

  it("holds both occurrences of the repeated hour on a fall-back night", async () => {
    const scheduler = createScheduler({
      timeZone: "America/New_York",
      ambiguousTime: "later",
      resources: { early: { timeZone: "America/New_York", weeklyHours: { sunday: [["00:00", "02:00"]] } } },
    });
    // 01:30 EST (the second 01:30) is still before the 02:00 the interval ends at.
    const later = await scheduler.book("a", "2021-11-07 01:30", { resource: "early" });
    expect(later.start.offset).toBe("-05:00");
  });

  it("places Lord Howe's half-hour change and a New York practitioner for a London user", async () => {
    const lordHowe = createScheduler({
      timeZone: "Australia/Lord_Howe",
      resources: { gp: { timeZone: "Australia/Lord_Howe", weeklyHours: { sunday: [["01:00", "03:00"]] } } },
    });
    // 3 October 2021: Lord Howe's clocks go from 02:00 to 02:30. An appointment from 01:30 lasts 30 minutes of
    // elapsed time and ends at 02:30 on the new clock, inside the 01:00–03:00 interval.
    expect((await lordHowe.book("a", "2021-10-03 01:30", { resource: "gp" })).end.toString()).toContain("02:30");
    const london = createScheduler({
      timeZone: "Europe/London",
      resources: { ny: { timeZone: "America/New_York", weeklyHours: weekdays([["09:00", "17:00"]]) } },
    });
    // 14:00 in London is 09:00 in New York (22 April 2021): the first slot of the day there.
    expect((await london.book("a", "2021-04-22 14:00", { resource: "ny" })).resource?.id).toBe("ny");
    await expect(london.book("b", "2021-04-22 13:30", { resource: "ny" })).rejects.toBeInstanceOf(
      OutsideResourceHoursError,
    );
  });

  it("applies an exception on a daylight-saving day", async () => {
    const scheduler = createScheduler({
      timeZone: "America/New_York",
      resources: {
        dr: {
          timeZone: "America/New_York",
          weeklyHours: { sunday: [["09:00", "17:00"]] },
          exceptions: [{ date: "2021-03-14", hours: [["01:00", "04:00"]] }],
        },
      },
    });
    // 01:00–04:00 on the spring-forward day is two hours of elapsed time: 01:30 EST and 03:00 EDT fit.
    expect((await scheduler.book("a", "2021-03-14 01:30", { resource: "dr" })).resource?.id).toBe("dr");
    expect((await scheduler.book("b", "2021-03-14 03:00", { resource: "dr" })).resource?.id).toBe("dr");
    await expect(scheduler.book("c", "2021-03-14 09:00", { resource: "dr" })).rejects.toBeInstanceOf(
      OutsideResourceHoursError,
    );
  });
});

describe("availability across resources", () => {
  it("offers exactly the starts that book accepts, with the free resources (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            user: fc.constantFrom("ann", "bob", "cy"),
            slot: fc.integer({ min: 14, max: 40 }),
            resource: fc.constantFrom("dr-lee", "dr-kim", "yoga-room"),
            type: fc.constantFrom(undefined, "checkup", "consult"),
          }),
          { maxLength: 12 },
        ),
        fc.constantFrom("ann", "dee"),
        fc.constantFrom(undefined, "checkup", "consult"),
        async (bookings, user, type) => {
          const scheduler = clinic();
          const at = (slot: number) =>
            `2021-04-22 ${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
          for (const b of bookings) {
            await scheduler
              .book(b.user, at(b.slot), { resource: b.resource, ...(b.type ? { type: b.type } : {}) })
              .catch(() => undefined);
          }
          const resources = ["dr-lee", "dr-kim", "yoga-room"];
          const offered = await scheduler.availability(user, "2021-04-22", { resources, ...(type ? { type } : {}) });
          const offeredAt = new Map(offered.map((slot) => [slot.start.toPlainTime().toString(), slot.resources]));
          for (let slot = 0; slot < 48; slot++) {
            const start = at(slot);
            const time = `${start.slice(11)}:00`;
            for (const resource of resources) {
              const accepted = await scheduler
                .book(user, start, { resource, ...(type ? { type } : {}), idempotencyKey: undefined })
                .then(
                  async (appointment) => {
                    await scheduler.cancel(user, appointment.id);
                    return true;
                  },
                  () => false,
                );
              expect(offeredAt.get(time)?.includes(resource) ?? false, `${time} ${resource}`).toBe(accepted);
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
