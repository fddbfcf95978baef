/**
 * Honest unknown outcomes: when a write may have committed but the store cannot say (it failed after
 * committing, or the caller's deadline passed while it was writing), the caller is told OUTCOME_UNKNOWN,
 * never an error that claims nothing was written, and never waits past its deadline. A retry with the same
 * idempotency key then settles it.
 */
import {
  type AppointmentStore,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  StoreUnavailableError,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";
import { describe, expect, it } from "vitest";
import { expectCode } from "./support.js";

/** A store over a MemoryStore whose next writes a test can break or hold. */
class FaultyStore implements AppointmentStore {
  readonly inner = new MemoryStore();
  /** What the next write does: commit and then fail, fail first, or commit only once released. */
  fault: "commit-then-throw" | "throw-typed" | "hold" | undefined;
  release: (() => void) | undefined;
  held: Promise<WriteResult> | undefined;

  async write(request: WriteRequest): Promise<WriteResult> {
    const fault = this.fault;
    this.fault = undefined;
    if (fault === "throw-typed") throw new StoreUnavailableError("refused before writing");
    if (fault === "hold") {
      // A frozen server: the write commits only when the test lets it.
      this.held = new Promise<void>((resolve) => {
        this.release = resolve;
      }).then(() => this.inner.write(request));
      return this.held;
    }
    const result = await this.inner.write(request);
    if (fault === "commit-then-throw") throw new Error("Connection terminated unexpectedly");
    return result;
  }
  listAppointments: AppointmentStore["listAppointments"] = (userId, query) =>
    this.inner.listAppointments(userId, query);
  listResourceAppointments: AppointmentStore["listResourceAppointments"] = (resourceId, query) =>
    this.inner.listResourceAppointments(resourceId, query);
  getAppointment: AppointmentStore["getAppointment"] = (userId, id) => this.inner.getAppointment(userId, id);
  readChanges: AppointmentStore["readChanges"] = (query) => this.inner.readChanges(query);
  purgeExpired: AppointmentStore["purgeExpired"] = (nowMs) => this.inner.purgeExpired(nowMs);
}

describe("a write whose outcome the store cannot tell", () => {
  it("is OUTCOME_UNKNOWN with the key and the store's error; a retry with the key returns the booking", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    store.fault = "commit-then-throw";
    const error = await expectCode(scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" }), "OUTCOME_UNKNOWN");
    if (!isSchedulerError(error, "OUTCOME_UNKNOWN")) throw error;
    expect(error.idempotencyKey).toBe("k");
    expect((error.cause as Error).message).toBe("Connection terminated unexpectedly");
    const retried = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    expect((await scheduler.list(1)).appointments.map((a) => a.id)).toEqual([retried.id]);
  });

  it("is OUTCOME_UNKNOWN also when the caller's signal had fired meanwhile (not TIMED_OUT, which means nothing was written)", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    const controller = new AbortController();
    store.fault = "commit-then-throw";
    const booking = scheduler.book(1, "2021-04-22 11:30", { signal: controller.signal });
    controller.abort(new DOMException("deadline", "TimeoutError"));
    await expectCode(booking, "OUTCOME_UNKNOWN");
    expect((await scheduler.list(1)).appointments).toHaveLength(1);
  });

  it("is the store's own typed error when the store says nothing was written", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    store.fault = "throw-typed";
    await expectCode(scheduler.book(1, "2021-04-22 11:30"), "STORE_UNAVAILABLE");
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });

  it("never waits past the deadline for a frozen store: OUTCOME_UNKNOWN while the write is still pending", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    store.fault = "hold";
    const booking = scheduler.book(1, "2021-04-22 11:30", { signal: AbortSignal.timeout(50), idempotencyKey: "k" });
    // The store has not answered (it is held until released below), and yet the caller has its answer.
    await expectCode(booking, "OUTCOME_UNKNOWN");
    expect(store.release).toBeDefined();
    expect((await scheduler.list(1)).appointments).toEqual([]);

    // The server thaws and commits; the retry with the key finds that booking instead of making another.
    store.release?.();
    await store.held;
    const retried = await scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" });
    expect((await scheduler.list(1)).appointments.map((a) => a.id)).toEqual([retried.id]);
  });

  it("applies to moves and cancellations too", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    const booked = await scheduler.book(1, "2021-04-22 11:30");
    store.fault = "commit-then-throw";
    await expectCode(
      scheduler.reschedule(1, booked.id, "2021-04-23 09:00", { idempotencyKey: "m" }),
      "OUTCOME_UNKNOWN",
    );
    expect(await scheduler.reschedule(1, booked.id, "2021-04-23 09:00", { idempotencyKey: "m" })).toMatchObject({
      version: 2,
    });
    store.fault = "commit-then-throw";
    await expectCode(scheduler.cancel(1, booked.id, { idempotencyKey: "c" }), "OUTCOME_UNKNOWN");
    expect(await scheduler.cancel(1, booked.id, { idempotencyKey: "c" })).toMatchObject({
      status: "cancelled",
      version: 3,
    });
  });

  it("a signal that fired before the call is TIMED_OUT, and the store is not asked", async () => {
    const store = new FaultyStore();
    const scheduler = createScheduler({ store });
    store.fault = "commit-then-throw";
    await expectCode(
      scheduler.book(1, "2021-04-22 11:30", { signal: AbortSignal.abort(new DOMException("t", "TimeoutError")) }),
      "TIMED_OUT",
    );
    expect(store.fault).toBe("commit-then-throw"); // untouched: no write was attempted
    expect((await scheduler.list(1)).appointments).toEqual([]);
  });
});
