/**
 * Bounding an operation's time with an AbortSignal. A signal that fired before the call stops it with nothing
 * written (TIMED_OUT or ABORTED, the store not called); reads stop waiting as soon as it fires; a write that
 * is in the store when it fires stops waiting at once with OUTCOME_UNKNOWN (the store may still commit it:
 * never a claim that nothing was written, never a wait past the deadline), and a retry with the same
 * idempotency key settles it. `AbortSignal.timeout` maps to TIMED_OUT, any other abort to ABORTED.
 */
import {
  type AppointmentStore,
  createScheduler,
  OperationAbortedError,
  OperationTimedOutError,
  OutcomeUnknownError,
  type Scheduler,
} from "appointment-scheduler";
import { describe, expect, it } from "vitest";
import { deferred, expectCode, ObservedStore } from "./support.js";

const START = "2021-04-22 11:30";

/** A signal that has already timed out, as `AbortSignal.timeout` leaves it. */
function timedOutSignal(): AbortSignal {
  return AbortSignal.abort(new DOMException("The operation timed out.", "TimeoutError"));
}

/** Waits until `signal` fires (used with real `AbortSignal.timeout` signals). */
function fired(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

type Operation = [name: string, call: (s: Scheduler, id: string, signal: AbortSignal) => Promise<unknown>];
const operations: Operation[] = [
  ["book", (s, _, signal) => s.book(1, "2021-04-23 11:30", { signal })],
  ["list", (s, _, signal) => s.list(1, undefined, { signal })],
  ["get", (s, id, signal) => s.get(1, id, { signal })],
  ["cancel", (s, id, signal) => s.cancel(1, id, { signal })],
  ["reschedule", (s, id, signal) => s.reschedule(1, id, "2021-04-23 11:30", { signal })],
  ["availability", (s, _, signal) => s.availability(1, "2021-04-23", { signal })],
  ["changes", (s, _, signal) => s.changes({ signal })],
  ["purgeExpired", (s, _, signal) => s.purgeExpired({ signal })],
];

describe("a signal that fired before the call", () => {
  it.each(operations)("%s: ABORTED, without calling the store", async (_, call) => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const existing = await scheduler.book(1, START);
    store.calls.length = 0;
    const controller = new AbortController();
    controller.abort();
    const error = await expectCode(call(scheduler, existing.id, controller.signal), "ABORTED");
    expect(error).toBeInstanceOf(OperationAbortedError);
    expect(error.message).toBe("The operation was aborted");
    expect(store.calls).toEqual([]);
    expect(await store.records("1")).toHaveLength(1);
  });

  it.each(operations)("%s: TIMED_OUT for a timeout, without calling the store", async (_, call) => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const existing = await scheduler.book(1, START);
    store.calls.length = 0;
    const signal = timedOutSignal();
    const error = await expectCode(call(scheduler, existing.id, signal), "TIMED_OUT");
    expect(error).toBeInstanceOf(OperationTimedOutError);
    expect(error.cause).toBe(signal.reason);
    expect(store.calls).toEqual([]);
  });

  it("a real AbortSignal.timeout maps to TIMED_OUT", async () => {
    const signal = AbortSignal.timeout(1);
    await fired(signal);
    await expectCode(createScheduler().book(1, START, { signal }), "TIMED_OUT");
  });

  it("keeps the abort reason as the error's cause", async () => {
    const reason = new Error("user navigated away");
    const error = await expectCode(
      createScheduler().list(1, undefined, { signal: AbortSignal.abort(reason) }),
      "ABORTED",
    );
    expect(error.cause).toBe(reason);
  });
});

describe("a signal that fires while a write is in the store", () => {
  it("book: OUTCOME_UNKNOWN at once, without waiting for the store; a retry with the key returns the booking", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const gate = store.gate("write");
    const controller = new AbortController();
    const booking = scheduler.book(1, START, { signal: controller.signal, idempotencyKey: "k" });
    await gate.entered;
    const reason = new DOMException("The operation timed out.", "TimeoutError");
    controller.abort(reason);
    // The store is still holding the write (the gate is closed), and yet the caller has its answer.
    const error = await expectCode(booking, "OUTCOME_UNKNOWN");
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).toMatchObject({ idempotencyKey: "k" });
    expect(error.cause).toBe(reason);
    expect(await store.records("1")).toEqual([]);

    // The store commits after all; the retry with the same key finds that booking instead of making another.
    gate.release();
    await store.idle();
    expect(await store.records("1")).toHaveLength(1);
    const retried = await scheduler.book(1, START, { idempotencyKey: "k" });
    expect((await scheduler.list(1)).appointments).toEqual([retried]);
  });

  it("book without a key: OUTCOME_UNKNOWN with no key to retry with", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const gate = store.gate("write");
    const controller = new AbortController();
    const booking = scheduler.book(1, START, { signal: controller.signal });
    await gate.entered;
    controller.abort();
    const error = await expectCode(booking, "OUTCOME_UNKNOWN");
    expect(error).toMatchObject({
      idempotencyKey: null,
      message: "The write may or may not have been made; check before retrying",
    });
    gate.release();
  });

  it("reschedule: OUTCOME_UNKNOWN at once; the move the store then commits keeps the id", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const old = await scheduler.book(1, START);
    const gate = store.gate("write");
    const controller = new AbortController();
    const moving = scheduler.reschedule(1, old.id, "2021-04-23 11:30", {
      signal: controller.signal,
      idempotencyKey: "m",
    });
    await gate.entered;
    controller.abort();
    await expectCode(moving, "OUTCOME_UNKNOWN");
    expect(await scheduler.get(1, old.id)).toEqual(old);
    gate.release();
    await store.idle();
    const retried = await scheduler.reschedule(1, old.id, "2021-04-23 11:30", { idempotencyKey: "m" });
    expect(retried).toMatchObject({ id: old.id, version: 2 });
    expect((await scheduler.list(1)).appointments).toEqual([retried]);
  });

  it("cancel: OUTCOME_UNKNOWN at once; the cancellation the store then commits is kept", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const appointment = await scheduler.book(1, START);
    const gate = store.gate("write");
    const controller = new AbortController();
    const cancelling = scheduler.cancel(1, appointment.id, { signal: controller.signal, idempotencyKey: "c" });
    await gate.entered;
    controller.abort();
    await expectCode(cancelling, "OUTCOME_UNKNOWN");
    gate.release();
    await store.idle();
    expect((await scheduler.list(1)).appointments).toEqual([]);
    const retried = await scheduler.cancel(1, appointment.id, { idempotencyKey: "c" });
    expect(retried).toMatchObject({ id: appointment.id, status: "cancelled", version: 2 });
    expect(await scheduler.get(1, appointment.id)).toEqual(retried);
  });

  it("a refusal the store gives after the signal fired is OUTCOME_UNKNOWN too; the retry with the key tells it", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const existing = await scheduler.book(1, START);
    const gate = store.gate("write");
    const controller = new AbortController();
    const booking = scheduler.book(1, "2021-04-22 15:00", { signal: controller.signal, idempotencyKey: "k" });
    await gate.entered;
    controller.abort();
    // The scheduler cannot know that the store will refuse: it does not wait to find out.
    await expectCode(booking, "OUTCOME_UNKNOWN");
    gate.release();
    await store.idle();
    const error = await expectCode(scheduler.book(1, "2021-04-22 15:00", { idempotencyKey: "k" }), "LIMIT_REACHED");
    expect(error).toMatchObject({ conflicting: { id: existing.id } });
    expect((await scheduler.list(1)).appointments).toEqual([existing]);
  });

  it("a write the store answered before the signal fired keeps its answer", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const controller = new AbortController();
    const appointment = await scheduler.book(1, START, { signal: controller.signal });
    controller.abort();
    expect((await scheduler.list(1)).appointments).toEqual([appointment]);
    await expectCode(scheduler.book(1, "2021-04-22 15:00", { signal: new AbortController().signal }), "LIMIT_REACHED");
  });

  it("hands the caller's signal to the store", async () => {
    const store = new ObservedStore();
    const scheduler = createScheduler({ store });
    const { signal } = new AbortController();
    const appointment = await scheduler.book(1, START, { signal });
    (await scheduler.list(1, undefined, { signal })).appointments;
    await scheduler.get(1, appointment.id, { signal });
    await scheduler.availability(1, "2021-04-23", { signal });
    await scheduler.reschedule(1, appointment.id, "2021-04-23 11:30", { signal });
    await scheduler.cancel(1, appointment.id, { signal });
    await scheduler.changes({ signal });
    await scheduler.purgeExpired({ signal });
    expect(store.calls.map((call) => [call.method, call.signal === signal])).toEqual([
      ["write", true],
      ["listAppointments", true],
      ["getAppointment", true],
      ["listAppointments", true],
      ["getAppointment", true], // a move reads the appointment first
      ["write", true],
      ["write", true],
      ["readChanges", true],
      ["purgeExpired", true],
    ]);
  });

  // Regression (contract v1): a store that honours the signal and abandons its uncommitted write was
  // reported as STORE_UNAVAILABLE. Contract v2: the scheduler does not wait for the store once the signal
  // fires, and cannot know that the store gave up, so the answer is OUTCOME_UNKNOWN, never a claim that
  // the store failed; a retry with the key then books once.
  it("a store that abandons an uncommitted write when the signal fires: OUTCOME_UNKNOWN, nothing written", async () => {
    const memory = new ObservedStore();
    const entered = deferred();
    const abandoned = deferred<unknown>();
    const store: AppointmentStore = {
      listAppointments: (...args) => memory.listAppointments(...args),
      listResourceAppointments: (...args) => memory.listResourceAppointments(...args),
      getAppointment: (...args) => memory.getAppointment(...args),
      readChanges: (...args) => memory.readChanges(...args),
      purgeExpired: (...args) => memory.purgeExpired(...args),
      async write(request, options) {
        if (!options?.signal) return memory.write(request, options);
        entered.resolve();
        // Waits for the signal, then gives up before committing.
        await new Promise((resolve) => options.signal?.addEventListener("abort", resolve, { once: true }));
        try {
          options.signal.throwIfAborted();
        } catch (error) {
          abandoned.resolve(error);
          throw error;
        }
        return memory.write(request, options);
      },
    };
    const scheduler = createScheduler({ store });
    const controller = new AbortController();
    const booking = scheduler.book(1, START, { signal: controller.signal, idempotencyKey: "k" });
    await entered.promise;
    controller.abort(new DOMException("The operation timed out.", "TimeoutError"));
    await expectCode(booking, "OUTCOME_UNKNOWN");
    await abandoned.promise;
    expect(await memory.records("1")).toEqual([]);
    const retried = await scheduler.book(1, START, { idempotencyKey: "k" });
    expect(await memory.records("1")).toHaveLength(1);
    expect((await scheduler.list(1)).appointments).toEqual([retried]);
  });

  it("a store that refuses with a typed TIMED_OUT of its own, before the caller's signal fired: passed through", async () => {
    const memory = new ObservedStore();
    const own = new OperationTimedOutError();
    const store: AppointmentStore = {
      listAppointments: (...args) => memory.listAppointments(...args),
      listResourceAppointments: (...args) => memory.listResourceAppointments(...args),
      getAppointment: (...args) => memory.getAppointment(...args),
      readChanges: (...args) => memory.readChanges(...args),
      purgeExpired: (...args) => memory.purgeExpired(...args),
      write: () => Promise.reject(own),
    };
    const scheduler = createScheduler({ store });
    await expect(scheduler.book(1, START, { signal: new AbortController().signal })).rejects.toBe(own);
    expect(await memory.records("1")).toEqual([]);
  });
});

describe("a signal that fires while a read is waiting", () => {
  const hangingReads = () => {
    const store = new ObservedStore();
    store.gate("listAppointments");
    store.gate("listResourceAppointments");
    store.gate("getAppointment");
    store.gate("readChanges");
    store.gate("purgeExpired");
    return store;
  };

  it.each([
    ["list", (s: Scheduler, signal: AbortSignal) => s.list(1, undefined, { signal })],
    ["get", (s: Scheduler, signal: AbortSignal) => s.get(1, "some-id", { signal })],
    ["availability", (s: Scheduler, signal: AbortSignal) => s.availability(1, "2021-04-22", { signal })],
    ["changes", (s: Scheduler, signal: AbortSignal) => s.changes({ signal })],
    ["purgeExpired", (s: Scheduler, signal: AbortSignal) => s.purgeExpired({ signal })],
  ])("%s stops waiting and reports ABORTED", async (_, call) => {
    const scheduler = createScheduler({ store: hangingReads() });
    const controller = new AbortController();
    const reading = call(scheduler, controller.signal);
    controller.abort();
    await expectCode(reading, "ABORTED");
  });

  it("a read bounded by AbortSignal.timeout reports TIMED_OUT", async () => {
    const scheduler = createScheduler({ store: hangingReads() });
    await expectCode(scheduler.list(1, undefined, { signal: AbortSignal.timeout(5) }), "TIMED_OUT");
  });

  it("stops waiting for a time zone resolver that hangs", async () => {
    const resolverSignals: (AbortSignal | undefined)[] = [];
    const scheduler = createScheduler({
      timeZone: (_, { signal }) => {
        resolverSignals.push(signal);
        return new Promise<string>(() => {});
      },
    });
    const controller = new AbortController();
    const booking = scheduler.book(1, START, { signal: controller.signal });
    controller.abort();
    await expectCode(booking, "ABORTED");
    expect(resolverSignals).toEqual([controller.signal]);
  });
});

describe("the options argument", () => {
  it.each([
    [{ signal: "soon" }, "options.signal"],
    [{ signal: { aborted: false } }, "options.signal"],
    [{ signal: null }, "options.signal"],
    [null, "options"],
    ["fast", "options"],
    [5, "options"],
  ])("rejects %j with INVALID_ARGUMENT", async (options, argument) => {
    const error = await expectCode(createScheduler().book(1, START, options as never), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument });
  });

  it("accepts no signal, and a signal from another realm that looks like one", async () => {
    const scheduler = createScheduler();
    await expect(scheduler.book(1, START, {})).resolves.toBeDefined();
    const lookAlike = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };
    const page = await scheduler.list(1, undefined, { signal: lookAlike as unknown as AbortSignal });
    expect(page.appointments).toHaveLength(1);
  });
});
