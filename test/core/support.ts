/**
 * Small helpers shared by the core tests: asserting typed errors, a settable clock, and stores that let a
 * test decide when (and whether) a store call answers.
 */
import {
  type AppointmentRecord,
  type AppointmentStore,
  type ErrorCode,
  isSchedulerError,
  MemoryStore,
  type SchedulerError,
  type StoreOperationOptions,
} from "appointment-scheduler";
import { Temporal } from "temporal-polyfill";
import { expect } from "vitest";

/** Awaits `promise` and returns the typed error it rejected with; fails the test if it resolved or rejected otherwise. */
export async function rejection(promise: Promise<unknown>): Promise<SchedulerError> {
  let outcome: { resolved: unknown } | { rejected: unknown };
  try {
    outcome = { resolved: await promise };
  } catch (error) {
    outcome = { rejected: error };
  }
  if ("resolved" in outcome) throw new Error(`expected a rejection, got ${String(outcome.resolved)}`);
  const error = outcome.rejected;
  if (!isSchedulerError(error)) throw new Error(`expected a SchedulerError, got ${describe(error)}`);
  return error;
}

/** Asserts that `promise` rejects with a `SchedulerError` of `code`, and returns that error. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<SchedulerError> {
  const error = await rejection(promise);
  expect(error.code, error.message).toBe(code);
  return error;
}

/** Asserts that `run` throws a `SchedulerError` of `code` synchronously, and returns that error. */
export function expectThrownCode(run: () => unknown, code: ErrorCode): SchedulerError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  if (!isSchedulerError(thrown)) throw new Error(`expected a SchedulerError, got ${describe(thrown)}`);
  expect(thrown.code, thrown.message).toBe(code);
  return thrown;
}

/** A clock for `createScheduler({ now })` that a test can move. */
export function settableClock(start: string) {
  let current = Temporal.Instant.from(start);
  return {
    now: () => current,
    set(instant: string) {
      current = Temporal.Instant.from(instant);
    },
  };
}

/** A promise and the functions that settle it. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type StoreMethod = keyof AppointmentStore;

/**
 * A store that answers as `inner` (a `MemoryStore` by default), except for the methods in `overrides`: for
 * tests that break or watch one method of a working store.
 */
export function storeOver(
  overrides: Partial<AppointmentStore>,
  inner: AppointmentStore = new MemoryStore(),
): AppointmentStore {
  return {
    write: (request, options) => inner.write(request, options),
    listAppointments: (userId, query, options) => inner.listAppointments(userId, query, options),
    listResourceAppointments: (resourceId, query, options) =>
      inner.listResourceAppointments(resourceId, query, options),
    getAppointment: (userId, id, options) => inner.getAppointment(userId, id, options),
    readChanges: (query, options) => inner.readChanges(query, options),
    purgeExpired: (nowMs, options) => inner.purgeExpired(nowMs, options),
    ...overrides,
  };
}

/**
 * A {@link MemoryStore} that records every call (with the signal it received) and can hold any method until
 * the test releases it: `gate(method)` makes the next calls of `method` wait, once they have been entered,
 * until `release()` is called; then they run against the memory store.
 */
export class ObservedStore implements AppointmentStore {
  readonly inner = new MemoryStore();
  readonly calls: { method: StoreMethod; signal: AbortSignal | undefined }[] = [];
  readonly #gates = new Map<StoreMethod, { open: Promise<void>; enter: () => void }>();
  readonly #pending = new Set<Promise<unknown>>();

  /** Holds calls of `method`: `entered` resolves when one arrives, `release` lets them run. */
  gate(method: StoreMethod): { entered: Promise<void>; release: () => void } {
    const open = deferred();
    const entered = deferred();
    this.#gates.set(method, { open: open.promise, enter: entered.resolve });
    return {
      entered: entered.promise,
      release: () => {
        this.#gates.delete(method);
        open.resolve();
      },
    };
  }

  /** Records the call, waits at the method's gate if there is one, then runs the memory store's method. */
  #run<T>(method: StoreMethod, options: StoreOperationOptions | undefined, run: () => Promise<T>): Promise<T> {
    this.calls.push({ method, signal: options?.signal });
    const gate = this.#gates.get(method);
    const call = gate
      ? (async () => {
          gate.enter();
          await gate.open;
          return run();
        })()
      : run();
    const tracked = call.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(tracked);
    void tracked.then(() => this.#pending.delete(tracked));
    return call;
  }

  /** Resolves once every call made so far has finished in the memory store (also those the caller gave up on). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  write(...args: Parameters<AppointmentStore["write"]>) {
    return this.#run("write", args[1], () => this.inner.write(args[0]));
  }
  listAppointments(...args: Parameters<AppointmentStore["listAppointments"]>) {
    return this.#run("listAppointments", args[2], () => this.inner.listAppointments(args[0], args[1]));
  }
  listResourceAppointments(...args: Parameters<AppointmentStore["listResourceAppointments"]>) {
    return this.#run("listResourceAppointments", args[2], () => this.inner.listResourceAppointments(args[0], args[1]));
  }
  getAppointment(...args: Parameters<AppointmentStore["getAppointment"]>) {
    return this.#run("getAppointment", args[2], () => this.inner.getAppointment(args[0], args[1]));
  }
  readChanges(...args: Parameters<AppointmentStore["readChanges"]>) {
    return this.#run("readChanges", args[1], () => this.inner.readChanges(args[0]));
  }
  purgeExpired(...args: Parameters<AppointmentStore["purgeExpired"]>) {
    return this.#run("purgeExpired", args[1], () => this.inner.purgeExpired(args[0]));
  }

  /** Every record of `userId`, cancelled ones too, read straight from the memory store. */
  records(userId: string): Promise<AppointmentRecord[]> {
    return this.inner.listAppointments(userId, { status: "all" });
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return typeof value;
}
