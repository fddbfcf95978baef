/**
 * `list` in pages: a bounded page (100 by default, at most 1000) and a cursor to read on, so that a user
 * with thousands of appointments costs each list call one page, never the whole history.
 */
import { type Appointment, type AppointmentPage, createScheduler, type Scheduler } from "appointment-scheduler";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode } from "./support.js";

/** Every page of the user's list, read on with each page's cursor. */
async function allPages(scheduler: Scheduler, userId: number, limit: number, status: "booked" | "all") {
  const pages: AppointmentPage[] = [];
  let after: string | undefined;
  do {
    const page = await scheduler.list(userId, {}, after === undefined ? { limit, status } : { limit, status, after });
    pages.push(page);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return pages;
}

const ids = (appointments: Appointment[]) => appointments.map((a) => a.id);

describe("list in pages", () => {
  it("gives at most 100 appointments by default, with a cursor that reads on to the rest", async () => {
    const scheduler = createScheduler({
      policy: { limit: { max: 48, per: "day" }, endAtMidnightCountsOnNextDate: false },
    });
    for (let i = 0; i < 130; i++) {
      const day = String(20 + Math.floor(i / 48)).padStart(2, "0");
      const slot = i % 48;
      const time = `${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
      await scheduler.book(1, `2021-04-${day} ${time}`);
    }
    const first = await scheduler.list(1);
    expect(first.appointments).toHaveLength(100);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await scheduler.list(1, {}, { after: first.nextCursor ?? "" });
    expect(second.appointments).toHaveLength(30);
    expect(second.nextCursor).toBeNull();
    const all = (await scheduler.list(1, {}, { limit: 1000 })).appointments;
    expect([...ids(first.appointments), ...ids(second.appointments)]).toEqual(ids(all));
  });

  it("has no cursor when the page is exactly full and nothing follows", async () => {
    const scheduler = createScheduler();
    await scheduler.book(1, "2021-04-22 09:00");
    await scheduler.book(1, "2021-04-23 09:00");
    expect((await scheduler.list(1, {}, { limit: 2 })).nextCursor).toBeNull();
  });

  it("reads every appointment exactly once, in order, whatever the page size (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Starts that repeat (several per time under allowOverlap), so pages split between equal starts.
        fc.array(fc.record({ day: fc.integer({ min: 20, max: 24 }), hour: fc.integer({ min: 10, max: 12 }) }), {
          maxLength: 25,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom<"booked" | "all">("booked", "all"),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (starts, limit, status, cancelPicks) => {
          const scheduler = createScheduler({ policy: { limit: { max: 1000, per: "day" }, allowOverlap: true } });
          const booked: Appointment[] = [];
          for (const { day, hour } of starts) booked.push(await scheduler.book(1, `2021-04-${day} ${hour}:00`));
          for (const pick of cancelPicks) {
            const target = booked[pick % Math.max(1, booked.length)];
            if (target) await scheduler.cancel(1, target.id).catch(() => {});
          }
          const whole = (await scheduler.list(1, {}, { limit: 1000, status })).appointments;
          const pages = await allPages(scheduler, 1, limit, status);
          expect(pages.flatMap((page) => ids(page.appointments))).toEqual(ids(whole));
          for (const page of pages.slice(0, -1)) expect(page.appointments).toHaveLength(limit);
          expect(pages.at(-1)?.nextCursor).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    [{ limit: 0 }, "options.limit"],
    [{ limit: 1001 }, "options.limit"],
    [{ limit: 2.5 }, "options.limit"],
    [{ limit: "10" }, "options.limit"],
    [{ after: "" }, "options.after"],
    [{ after: "not a cursor" }, "options.after"],
    [{ after: "12~" }, "options.after"],
    [{ after: "9e99~x" }, "options.after"],
    [{ after: 42 }, "options.after"],
  ])("refuses %o with INVALID_ARGUMENT naming %s", async (options, argument) => {
    const error = await expectCode(createScheduler().list(1, {}, options as never), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument });
  });
});
