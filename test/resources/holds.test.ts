/**
 * Holds and choices of resources through the scheduler: a hold counts as a booking does until it expires (by
 * the scheduler's clock, injected here) and not at all from then on; confirm and release, their idempotence and
 * typed refusals; the change feed; `anyOf` in the order given or least booked first; and availability that
 * agrees with `book` while holds come and expire (a property).
 */
import {
  AppointmentNotBookedError,
  createScheduler,
  HoldExpiredError,
  InvalidArgumentError,
  LimitReachedError,
  MemoryStore,
  NotHeldError,
  OutsideResourceHoursError,
  ResourceFullError,
  type SchedulerOptions,
  UnknownResourceError,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { weekdays } from "./support.js";

/** A clinic of three practitioners in New York, on a clock the test moves. */
function clinic(extra: Partial<SchedulerOptions> = {}) {
  const clock = { now: Temporal.Instant.from("2021-04-21T12:00Z") };
  const scheduler = createScheduler({
    store: new MemoryStore(),
    timeZone: "America/New_York",
    now: () => clock.now,
    policy: { limit: { max: 2, per: "day" } },
    resources: {
      "dr-lee": { timeZone: "America/New_York", weeklyHours: weekdays([["09:00", "17:00"]]), bufferAfterMinutes: 15 },
      "dr-kim": { timeZone: "America/New_York", weeklyHours: weekdays([["09:00", "17:00"]]) },
      "dr-ray": { timeZone: "America/New_York", weeklyHours: weekdays([["13:00", "17:00"]]) },
    },
    ...extra,
  });
  const wait = (minutes: number) => {
    clock.now = clock.now.add({ minutes });
  };
  return { scheduler, clock, wait };
}

describe("a hold", () => {
  it("counts toward the resource and the user's limit until it expires, then not at all", async () => {
    const { scheduler, clock, wait } = clinic({ policy: { limit: { max: 1, per: "day" } } });
    const hold = await scheduler.hold("ann", "2021-04-22 10:00", { resource: "dr-lee", ttl: { minutes: 10 } });
    expect(hold.status).toBe("held");
    expect(hold.holdExpiresAt?.equals(clock.now.add({ minutes: 10 }))).toBe(true);
    expect(hold.resource?.id).toBe("dr-lee");
    await expect(scheduler.book("bob", "2021-04-22 10:00", { resource: "dr-lee" })).rejects.toBeInstanceOf(
      ResourceFullError,
    );
    await expect(scheduler.book("ann", "2021-04-22 15:00")).rejects.toBeInstanceOf(LimitReachedError);
    const offered = await scheduler.availability("bob", "2021-04-22", { resources: ["dr-lee"] });
    expect(offered.map((slot) => slot.start.toPlainTime().toString())).not.toContain("10:00:00");
    expect((await scheduler.listByResource("dr-lee")).map((a) => a.id)).toEqual([hold.id]);

    wait(10);
    expect((await scheduler.listByResource("dr-lee")).map((a) => a.id)).toEqual([]);
    const later = await scheduler.availability("bob", "2021-04-22", { resources: ["dr-lee"] });
    expect(later.map((slot) => slot.start.toPlainTime().toString())).toContain("10:00:00");
    const booked = await scheduler.book("bob", "2021-04-22 10:00", { resource: "dr-lee" });
    expect(booked.status).toBe("booked");
    await expect(scheduler.book("ann", "2021-04-22 15:00")).resolves.toMatchObject({ status: "booked" });
  });

  it("is confirmed into the same appointment, once; an expired one cannot be", async () => {
    const { scheduler, wait } = clinic();
    const hold = await scheduler.hold("ann", "2021-04-22 10:00", { resource: "dr-lee", metadata: { cart: 7 } });
    wait(4);
    const confirmed = await scheduler.confirm("ann", hold.id);
    expect(confirmed).toMatchObject({ id: hold.id, status: "booked", version: 2, metadata: { cart: 7 } });
    expect(confirmed.start.equals(hold.start)).toBe(true);
    expect(confirmed.resource?.id).toBe("dr-lee");
    // Confirming again answers it as it is; after the hold's expiry it still counts, booked.
    wait(10);
    expect(await scheduler.confirm("ann", hold.id)).toEqual(confirmed);
    await expect(scheduler.book("bob", "2021-04-22 10:00", { resource: "dr-lee" })).rejects.toBeInstanceOf(
      ResourceFullError,
    );
    await expect(scheduler.release("ann", hold.id)).rejects.toBeInstanceOf(NotHeldError);

    const late = await scheduler.hold("ann", "2021-04-22 11:00", { resource: "dr-kim" });
    wait(5); // the default life: five minutes
    const expired = await scheduler.confirm("ann", late.id).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(HoldExpiredError);
    expect((expired as HoldExpiredError).expiredAt.equals(late.holdExpiresAt as Temporal.Instant)).toBe(true);
    expect((await scheduler.get("ann", late.id))?.status).toBe("held");
    // Purged, an expired hold is gone.
    expect(await scheduler.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await scheduler.get("ann", late.id)).toBeNull();
  });

  it("is released, once and for good; a hold is not moved or cancelled, and a booking is not confirmed", async () => {
    const { scheduler } = clinic();
    const hold = await scheduler.hold("ann", "2021-04-22 10:00", { resource: "dr-lee" });
    await expect(scheduler.cancel("ann", hold.id)).rejects.toBeInstanceOf(AppointmentNotBookedError);
    await expect(scheduler.reschedule("ann", hold.id, "2021-04-22 11:00")).rejects.toBeInstanceOf(
      AppointmentNotBookedError,
    );
    const released = await scheduler.release("ann", hold.id);
    expect(released).toMatchObject({ id: hold.id, status: "released", version: 2 });
    expect(await scheduler.release("ann", hold.id)).toEqual(released);
    await expect(scheduler.confirm("ann", hold.id)).rejects.toBeInstanceOf(NotHeldError);
    await expect(scheduler.book("bob", "2021-04-22 10:00", { resource: "dr-lee" })).resolves.toMatchObject({
      status: "booked",
    });
    const booked = await scheduler.book("ann", "2021-04-22 12:00");
    await expect(scheduler.confirm("ann", booked.id)).rejects.toBeInstanceOf(NotHeldError);
    await expect(scheduler.confirm("bob", hold.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("is in the change feed: held, confirmed, released", async () => {
    const { scheduler } = clinic();
    const first = await scheduler.hold("ann", "2021-04-22 10:00", { idempotencyKey: "hold-1" });
    await scheduler.confirm("ann", first.id, { idempotencyKey: "confirm-1" });
    const second = await scheduler.hold("ann", "2021-04-22 11:00");
    await scheduler.release("ann", second.id);
    const { changes } = await scheduler.changes({ userId: "ann" });
    expect(changes.map((change) => [change.type, change.appointment.id, change.idempotencyKey])).toEqual([
      ["held", first.id, "hold-1"],
      ["confirmed", first.id, "confirm-1"],
      ["held", second.id, null],
      ["released", second.id, null],
    ]);
  });

  it("replays under its idempotency key, and refuses a ttl out of bounds", async () => {
    const { scheduler } = clinic();
    const hold = await scheduler.hold("ann", "2021-04-22 10:00", { idempotencyKey: "k" });
    expect(await scheduler.hold("ann", "2021-04-22 10:00", { idempotencyKey: "k" })).toEqual(hold);
    await expect(scheduler.hold("ann", "2021-04-22 10:00", { idempotencyKey: "k", ttl: "PT2M" })).rejects.toMatchObject(
      {
        code: "IDEMPOTENCY_KEY_REUSED",
      },
    );
    for (const ttl of [{ seconds: 9 }, { minutes: 61 }, { months: 1 }, "soon", -1]) {
      const error = await scheduler.hold("bob", "2021-04-22 10:00", { ttl: ttl as never }).catch((e: unknown) => e);
      expect(error, JSON.stringify(ttl)).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe("options.ttl");
    }
    await expect(scheduler.book("bob", "2021-04-22 10:00", { ttl: { minutes: 1 } } as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});

describe("a choice of resources", () => {
  it("books the first free one in the order given, and is refused only when none is", async () => {
    const { scheduler } = clinic({ policy: { limit: { max: 5, per: "day" } } });
    const anyOf = ["dr-lee", "dr-kim"];
    const first = await scheduler.book("ann", "2021-04-22 10:00", { resource: { anyOf } });
    const second = await scheduler.book("bob", "2021-04-22 10:00", { resource: { anyOf } });
    expect([first.resource?.id, second.resource?.id]).toEqual(["dr-lee", "dr-kim"]);
    const full = await scheduler.book("cy", "2021-04-22 10:00", { resource: { anyOf } }).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(ResourceFullError);
    expect((full as ResourceFullError).resourceId).toBe("dr-lee");
    // dr-ray works afternoons only: left out of the choice in the morning, taken in the afternoon.
    const three = ["dr-ray", "dr-lee"];
    expect((await scheduler.book("cy", "2021-04-22 11:00", { resource: { anyOf: three } })).resource?.id).toBe(
      "dr-lee",
    );
    expect((await scheduler.book("dee", "2021-04-22 14:00", { resource: { anyOf: three } })).resource?.id).toBe(
      "dr-ray",
    );
    await expect(
      scheduler.book("eve", "2021-04-22 08:00", { resource: { anyOf: ["dr-ray", "dr-kim"] } }),
    ).rejects.toBeInstanceOf(OutsideResourceHoursError);
    await expect(
      scheduler.book("eve", "2021-04-22 10:30", { resource: { anyOf: ["dr-lee", "nobody"] } }),
    ).rejects.toBeInstanceOf(UnknownResourceError);
    for (const resource of [
      { anyOf: [] },
      { anyOf: ["dr-lee", "dr-lee"] },
      { anyOf: ["dr-lee"], order: "random" },
      { any: [] },
    ]) {
      await expect(scheduler.book("eve", "2021-04-22 10:30", { resource: resource as never })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });

  it("with order least-booked, books the resource with the fewest appointments and live holds that day", async () => {
    const { scheduler, wait } = clinic({ policy: { limit: { max: 5, per: "day" } } });
    await scheduler.book("ann", "2021-04-22 09:00", { resource: "dr-lee" });
    await scheduler.book("bob", "2021-04-22 10:00", { resource: "dr-lee" });
    await scheduler.hold("cy", "2021-04-22 09:00", { resource: "dr-kim", ttl: { minutes: 1 } });
    const choice = { anyOf: ["dr-lee", "dr-kim"], order: "least-booked" } as const;
    expect((await scheduler.book("dee", "2021-04-22 15:00", { resource: choice })).resource?.id).toBe("dr-kim");
    await scheduler.book("eve", "2021-04-22 16:00", { resource: "dr-kim" });
    // dr-lee 2, dr-kim 2 and a live hold: dr-lee; then 3 each, until the hold expires: dr-kim.
    expect((await scheduler.book("fay", "2021-04-22 13:00", { resource: choice })).resource?.id).toBe("dr-lee");
    wait(1);
    expect((await scheduler.book("gus", "2021-04-22 13:30", { resource: choice })).resource?.id).toBe("dr-kim");
  });
});

describe("availability with holds", () => {
  it("offers exactly the starts that book accepts while holds come and expire (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            user: fc.constantFrom("ann", "bob", "cy"),
            slot: fc.integer({ min: 16, max: 34 }),
            resource: fc.constantFrom("dr-lee", "dr-kim"),
            hold: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
            wait: fc.integer({ min: 0, max: 4 }),
          }),
          { maxLength: 10 },
        ),
        fc.constantFrom("ann", "dee"),
        async (writes, user) => {
          const { scheduler, wait } = clinic();
          const at = (slot: number) =>
            `2021-04-22 ${String(Math.floor(slot / 2)).padStart(2, "0")}:${slot % 2 ? "30" : "00"}`;
          for (const w of writes) {
            const options = { resource: w.resource };
            const write =
              w.hold === undefined
                ? scheduler.book(w.user, at(w.slot), options)
                : scheduler.hold(w.user, at(w.slot), { ...options, ttl: { minutes: w.hold } });
            await write.catch(() => undefined);
            wait(w.wait);
          }
          const resources = ["dr-lee", "dr-kim"];
          const offered = await scheduler.availability(user, "2021-04-22", { resources });
          const offeredAt = new Map(offered.map((slot) => [slot.start.toPlainTime().toString(), slot.resources]));
          for (let slot = 16; slot < 36; slot++) {
            const start = at(slot);
            const time = `${start.slice(11)}:00`;
            for (const resource of resources) {
              // A hold is what a booking would be: held and released, it leaves nothing behind.
              const accepted = await scheduler.hold(user, start, { resource }).then(
                async (hold) => {
                  await scheduler.release(user, hold.id);
                  return true;
                },
                () => false,
              );
              expect(offeredAt.get(time)?.includes(resource) ?? false, `${time} ${resource}`).toBe(accepted);
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
