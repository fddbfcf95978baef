/**
 * Idempotent retries: a write with an idempotency key happens at most once, and a retry with the same key
 * and request answers the first outcome, whatever happened since; the same key with another request is an
 * error; keys are kept for their retention and then forgotten.
 */

import { createScheduler, isSchedulerError, MemoryStore } from "appointment-scheduler";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExpiryQueue } from "../../src/store/expiry-queue.js";
import { expectCode, settableClock } from "./support.js";

describe("a retry with the same idempotency key", () => {
  it("returns the same booking, and books once", async () => {
    const scheduler = createScheduler();
    const first = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    // The same instant written another way is the same request.
    const retry = await scheduler.book(1, "2021-04-22T11:30:00Z", { idempotencyKey: "k" });
    expect(retry).toEqual(first);
    expect((await scheduler.list(1)).appointments).toHaveLength(1);
    expect((await scheduler.changes()).changes).toHaveLength(1);
  });

  it("returns the first outcome even when it was an error, and even after the state changed", async () => {
    const scheduler = createScheduler();
    const holder = await scheduler.book(1, "2021-04-22 09:00");
    const refused = await expectCode(scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" }), "LIMIT_REACHED");
    await scheduler.cancel(1, holder.id);
    const again = await expectCode(scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" }), "LIMIT_REACHED");
    expect(again.message).toBe(refused.message);
    if (isSchedulerError(again, "LIMIT_REACHED")) expect(again.conflicting.id).toBe(holder.id);
    // A new key is a new request: it books.
    await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k2" });
  });

  it("returns the same move and the same cancellation, changing nothing more", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    const moved = await scheduler.reschedule(1, booked.id, "2021-04-23 09:00", { idempotencyKey: "m" });
    expect(await scheduler.reschedule(1, booked.id, "2021-04-23 09:00", { idempotencyKey: "m" })).toEqual(moved);
    const cancelled = await scheduler.cancel(1, booked.id, { reason: "ill", idempotencyKey: "c" });
    expect(await scheduler.cancel(1, booked.id, { reason: "ill", idempotencyKey: "c" })).toEqual(cancelled);
    expect((await scheduler.get(1, booked.id))?.version).toBe(3);
    expect((await scheduler.changes()).changes.map((c) => c.type)).toEqual(["booked", "rescheduled", "cancelled"]);
  });

  it("with a different request is IDEMPOTENCY_KEY_REUSED, and writes nothing", async () => {
    const scheduler = createScheduler();
    const booked = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k", metadata: { a: 1, b: 2 } });
    // The same metadata in another key order is the same request.
    expect(await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k", metadata: { b: 2, a: 1 } })).toEqual(
      booked,
    );
    await expectCode(scheduler.book(1, "2021-04-23 11:30", { idempotencyKey: "k" }), "IDEMPOTENCY_KEY_REUSED");
    await expectCode(
      scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k", metadata: { a: 2 } }),
      "IDEMPOTENCY_KEY_REUSED",
    );
    await expectCode(scheduler.cancel(1, booked.id, { idempotencyKey: "k" }), "IDEMPOTENCY_KEY_REUSED");
    await expectCode(
      scheduler.reschedule(1, booked.id, "2021-04-24 11:30", { idempotencyKey: "k" }),
      "IDEMPOTENCY_KEY_REUSED",
    );
    expect((await scheduler.list(1)).appointments).toEqual([booked]);
    expect((await scheduler.changes()).changes).toHaveLength(1);
  });

  it("belongs to one user: another user's same key is another request", async () => {
    const scheduler = createScheduler();
    const mine = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    const theirs = await scheduler.book(2, "2021-04-22 11:30", { idempotencyKey: "k" });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("is forgotten after the retention: the key may then book again", async () => {
    const clock = settableClock("2021-04-01T00:00:00Z");
    const scheduler = createScheduler({ now: clock.now, idempotencyRetention: { hours: 1 } });
    const first = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    clock.set("2021-04-01T00:59:59Z");
    expect(await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" })).toEqual(first);
    clock.set("2021-04-01T01:00:00Z");
    const later = await scheduler.book(1, "2021-04-23 11:30", { idempotencyKey: "k" });
    expect(later.id).not.toBe(first.id);
  });

  it("settles concurrent retries: exactly one write, every answer the same", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 20 }), async (retries) => {
        const scheduler = createScheduler();
        const answers = await Promise.all(
          Array.from({ length: retries }, () => scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" })),
        );
        expect(new Set(answers.map((a) => a.id)).size).toBe(1);
        expect((await scheduler.list(1)).appointments).toHaveLength(1);
        expect((await scheduler.changes()).changes).toHaveLength(1);
      }),
      { numRuns: 20 },
    );
  });

  it.each([
    ["an empty key", ""],
    ["a key of 256 characters", "k".repeat(256)],
    ["a number", 42],
    ["a lone surrogate", "\ud800"],
  ])("is refused for %s, before anything is written", async (_, idempotencyKey) => {
    const scheduler = createScheduler();
    const error = await expectCode(
      scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: idempotencyKey as never }),
      "INVALID_ARGUMENT",
    );
    expect(error).toMatchObject({ argument: "options.idempotencyKey" });
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });

  it("refuses retentions that are not fixed lengths from a second to ten years", () => {
    for (const bad of [{ months: 1 }, { seconds: 0 }, "P11Y", "soon", { days: 3651 }]) {
      expect(() => createScheduler({ idempotencyRetention: bad as never })).toThrow(/idempotencyRetention/);
      expect(() => createScheduler({ changeRetention: bad as never })).toThrow(/changeRetention/);
    }
    createScheduler({ idempotencyRetention: "PT24H", changeRetention: { days: 90 } });
  });
});

describe("expired keys and events", () => {
  it("are removed by purgeExpired without touching live ones", async () => {
    const clock = settableClock("2021-04-01T00:00:00Z");
    const store = new MemoryStore();
    const scheduler = createScheduler({
      store,
      now: clock.now,
      idempotencyRetention: { hours: 1 },
      changeRetention: { hours: 2 },
    });
    await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "a" });
    clock.set("2021-04-01T00:30:00Z");
    await scheduler.book(2, "2021-04-22 11:30", { idempotencyKey: "b" });
    clock.set("2021-04-01T01:10:00Z");
    expect(await scheduler.purgeExpired()).toBe(1); // key a
    clock.set("2021-04-01T02:10:00Z");
    expect(await scheduler.purgeExpired()).toBe(2); // key b, and the first event
    expect((await scheduler.changes()).changes.map((c) => c.appointment.userId)).toEqual(["2"]);
    clock.set("2021-04-01T03:00:00Z");
    expect(await scheduler.purgeExpired()).toBe(1);
    expect(await scheduler.purgeExpired()).toBe(0);
  });

  it("leave the queue in expiry order, whatever the order they were added in (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.integer({ min: 0, max: 1000 }), (expiries, now) => {
        const queue = new ExpiryQueue<number>();
        for (const [i, expiry] of expiries.entries()) queue.push(expiry, i);
        const popped = queue.popExpired(now);
        expect(popped.map((i) => expiries[i])).toEqual(expiries.filter((e) => e <= now).sort((a, b) => a - b));
        expect(queue.size).toBe(expiries.filter((e) => e > now).length);
      }),
    );
  });
});
