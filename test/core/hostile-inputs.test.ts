/**
 * Inputs a store cannot keep, and callbacks or signals that cannot be used: each fails as a typed error,
 * before the store is asked, and alike on every store.
 *
 * - Ids mean the same on every store: PostgreSQL's `text` holds no U+0000, and UTF-8 no lone surrogate
 *   (PostgreSQL stored "\ud800" and "\udc00" both as U+FFFD: two users on one calendar). So user ids
 *   (`INVALID_USER_ID`), appointment ids (`INVALID_ARGUMENT`, `id`), what `generateId` returns
 *   (`options.generateId`), idempotency keys and cancel reasons with either are refused in the scheduler.
 * - Ids are unique per user, alike on every store: an id `generateId` repeats for the user is refused, and
 *   another user's appointment may have it.
 * - An `AbortSignal` look-alike whose members throw, a clock or a time zone resolver that returns a value
 *   that cannot be read (a revoked `Proxy`): `INVALID_ARGUMENT`, never the bare `TypeError`.
 */

import {
  type AppointmentStore,
  createScheduler,
  InvalidArgumentError,
  MemoryStore,
  type Scheduler,
  type SchedulerOptions,
  type TimeZoneResolver,
} from "appointment-scheduler";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteTarget } from "../postgres/targets.js";
import { deferred, expectCode, rejection, settableClock, storeOver } from "./support.js";

const START = "2021-04-22 11:30";
const LATER = "2021-04-23 11:30";
const DATE = "2021-04-22";
/** Before every start the tests book: appointments can still be moved and cancelled. */
const clock = () => settableClock("2021-04-01T00:00:00Z");

/** Strings that hold a lone surrogate or a NUL, in every place of a string. */
const unstorable = fc
  .tuple(
    fc.string({ maxLength: 60 }),
    fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800"),
    fc.string({ maxLength: 60 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`)
  .filter((text) => !text.isWellFormed() || text.includes("\u0000"));

/** `inner`, counting the calls made to it. */
function counted(inner: AppointmentStore): { store: AppointmentStore; calls: string[] } {
  const calls: string[] = [];
  const call = <T>(method: string, run: () => T): T => {
    calls.push(method);
    return run();
  };
  const store = storeOver(
    {
      write: (...args) => call("write", () => inner.write(...args)),
      listAppointments: (...args) => call("listAppointments", () => inner.listAppointments(...args)),
      getAppointment: (...args) => call("getAppointment", () => inner.getAppointment(...args)),
      readChanges: (...args) => call("readChanges", () => inner.readChanges(...args)),
      purgeExpired: (...args) => call("purgeExpired", () => inner.purgeExpired(...args)),
    },
    inner,
  );
  return { store, calls };
}

interface Target {
  readonly name: string;
  open(): Promise<{ store: AppointmentStore; close(): Promise<void> }>;
}

const targets: Target[] = [
  { name: "MemoryStore", open: async () => ({ store: new MemoryStore(), close: async () => {} }) },
  { name: "PostgresStore on PGlite", open: () => pgliteTarget.open() },
];

describe.each(targets)("ids and text that a store cannot keep exactly, on $name", (target) => {
  let opened: { store: AppointmentStore; close(): Promise<void> };
  beforeAll(async () => {
    opened = await target.open();
  });
  afterAll(() => opened.close());

  const schedulerOn = (options: SchedulerOptions = {}) => {
    const { store, calls } = counted(opened.store);
    return { scheduler: createScheduler({ store, now: clock().now, ...options }), calls };
  };

  it("refuses user ids with a lone surrogate: '\\ud800' and '\\udc00' never share one calendar", async () => {
    const { scheduler, calls } = schedulerOn();
    await expectCode(scheduler.book("\ud800", START), "INVALID_USER_ID");
    await expectCode(scheduler.book("\udc00", START), "INVALID_USER_ID");
    await expectCode(scheduler.list("\udc00"), "INVALID_USER_ID");
    await expectCode(scheduler.changes({ userId: "\ud800" }), "INVALID_USER_ID");
    expect(calls).toEqual([]);
  });

  it("refuses user ids with a NUL in every operation, before any store call", async () => {
    const { scheduler, calls } = schedulerOn();
    for (const call of [
      () => scheduler.book("x\u0000y", START),
      () => scheduler.list("x\u0000y"),
      () => scheduler.get("x\u0000y", "some-id"),
      () => scheduler.cancel("x\u0000y", "some-id"),
      () => scheduler.reschedule("x\u0000y", "some-id", START),
      () => scheduler.availability("x\u0000y", DATE),
      () => scheduler.changes({ userId: "x\u0000y" }),
    ]) {
      await expectCode(call(), "INVALID_USER_ID");
    }
    expect(calls).toEqual([]);
  });

  it("refuses appointment ids with a lone surrogate or a NUL as INVALID_ARGUMENT naming id (property)", async () => {
    const { scheduler, calls } = schedulerOn();
    await fc.assert(
      fc.asyncProperty(unstorable, async (id) => {
        for (const call of [
          () => scheduler.get(1, id),
          () => scheduler.cancel(1, id),
          () => scheduler.reschedule(1, id, START),
        ]) {
          const error = await expectCode(call(), "INVALID_ARGUMENT");
          expect(error).toMatchObject({ argument: "id" });
        }
      }),
      { numRuns: 30 },
    );
    await expectCode(scheduler.get(1, "x\u0000y"), "INVALID_ARGUMENT");
    expect(calls).toEqual([]);
  });

  it("refuses what generateId returns with a lone surrogate or a NUL, writing nothing (property)", async () => {
    let next = "";
    const { scheduler, calls } = schedulerOn({ generateId: () => next });
    await fc.assert(
      fc.asyncProperty(unstorable, async (id) => {
        next = id;
        const error = await expectCode(scheduler.book("generated", START), "INVALID_ARGUMENT");
        expect(error).toMatchObject({ argument: "options.generateId" });
      }),
      { numRuns: 30 },
    );
    expect(calls).toEqual([]);
    expect((await scheduler.list("generated", undefined, { status: "all" })).appointments).toEqual([]);
  });

  it("refuses idempotency keys and cancel reasons with a NUL or a lone surrogate, writing nothing", async () => {
    const { scheduler, calls } = schedulerOn();
    const booked = await scheduler.book("keys", START);
    calls.length = 0;
    for (const key of ["k\u0000", "\u0000", "k\udfff"]) {
      const refusals = [
        [scheduler.book("keys", LATER, { idempotencyKey: key }), "options.idempotencyKey"],
        [scheduler.reschedule("keys", booked.id, LATER, { idempotencyKey: key }), "options.idempotencyKey"],
        [scheduler.cancel("keys", booked.id, { idempotencyKey: key }), "options.idempotencyKey"],
        [scheduler.cancel("keys", booked.id, { reason: key }), "options.reason"],
      ] as const;
      for (const [call, argument] of refusals) {
        expect(await expectCode(call, "INVALID_ARGUMENT")).toMatchObject({ argument });
      }
    }
    expect(calls).toEqual([]);
    expect(await scheduler.get("keys", booked.id)).toEqual(booked);
  });

  it("refuses an id that generateId repeats for the user, writing nothing; ids are per user", async () => {
    const { scheduler } = schedulerOn({ generateId: () => "the-same-id", policy: { limit: { max: 5, per: "day" } } });
    const first = await scheduler.book("repeats", START);
    const error = await expectCode(scheduler.book("repeats", LATER), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "options.generateId" });
    expect((await scheduler.list("repeats", undefined, { status: "all" })).appointments).toEqual([first]);
    // Another user's appointment may have the same id: ids name appointments within a user, on every store.
    const theirs = await scheduler.book("someone else", START);
    expect(theirs).toMatchObject({ id: "the-same-id", userId: "someone else" });
    expect(await scheduler.get("repeats", "the-same-id")).toEqual(first);
  });

  it("keeps well-formed text beyond the BMP exactly: ids, keys and reasons", async () => {
    const { scheduler } = schedulerOn({ generateId: () => "id-\ud83d\ude00-東京" });
    const user = "user-\ud83d\ude00-Zoë";
    const booked = await scheduler.book(user, START, { idempotencyKey: "key-\ud83d\ude00" });
    expect(booked).toMatchObject({ id: "id-😀-東京", userId: "user-😀-Zoë" });
    const cancelled = await scheduler.cancel(user, booked.id, { reason: "ill \ud83e\udd12", idempotencyKey: "c-😀" });
    expect(cancelled.cancellationReason).toBe("ill 🤒");
    expect(await scheduler.get(user, "id-😀-東京")).toEqual(cancelled);
    const { changes } = await scheduler.changes({ userId: user });
    expect(changes.map((change) => change.idempotencyKey)).toEqual(["key-😀", "c-😀"]);
  });
});

describe("an AbortSignal that cannot be used", () => {
  const throwing = () => {
    throw new Error("not today");
  };
  /** A look-alike with working members, changed by `overrides`. */
  const lookAlike = (overrides: PropertyDescriptorMap = {}) =>
    Object.defineProperties(
      { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} },
      overrides,
    ) as unknown as AbortSignal;

  const operations: [string, (s: Scheduler, signal: AbortSignal) => Promise<unknown>][] = [
    ["book", (s, signal) => s.book(1, START, { signal })],
    ["list", (s, signal) => s.list(1, undefined, { signal })],
    ["get", (s, signal) => s.get(1, "some-id", { signal })],
    ["cancel", (s, signal) => s.cancel(1, "some-id", { signal })],
    ["reschedule", (s, signal) => s.reschedule(1, "some-id", START, { signal })],
    ["availability", (s, signal) => s.availability(1, DATE, { signal })],
    ["changes", (s, signal) => s.changes({ signal })],
    ["purgeExpired", (s, signal) => s.purgeExpired({ signal })],
  ];

  const unusable: [string, () => AbortSignal][] = [
    ["whose addEventListener throws", () => lookAlike({ addEventListener: { value: throwing } })],
    ["whose removeEventListener throws", () => lookAlike({ removeEventListener: { value: throwing } })],
    ["whose reason getter throws", () => lookAlike({ reason: { get: throwing } })],
    ["aborted, whose reason getter throws", () => lookAlike({ aborted: { value: true }, reason: { get: throwing } })],
    [
      "that is a Proxy of a real signal whose traps throw",
      () =>
        new Proxy(new AbortController().signal, {
          get: (target, key) => (key === "addEventListener" ? throwing() : Reflect.get(target, key)),
        }),
    ],
    [
      "that is a revoked Proxy",
      () => {
        const { proxy, revoke } = Proxy.revocable(new AbortController().signal, {});
        revoke();
        return proxy;
      },
    ],
  ];

  describe.each(unusable)("one %s", (_, make) => {
    it.each(operations)(
      "is INVALID_ARGUMENT naming options.signal from %s, before any store call",
      async (__, call) => {
        const { store, calls } = counted(new MemoryStore());
        const error = await expectCode(call(createScheduler({ store, now: clock().now }), make()), "INVALID_ARGUMENT");
        expect(error).toMatchObject({ argument: "options.signal" });
        expect(calls).toEqual([]);
      },
    );
  });

  it("accepts a look-alike that works, a Proxy of a real signal, and a real signal as it is", async () => {
    const received: (AbortSignal | undefined)[] = [];
    const store = storeOver({
      listAppointments: async (_, __, options) => {
        received.push(options?.signal);
        return [];
      },
    });
    const scheduler = createScheduler({ store });
    const real = new AbortController().signal;
    const works = lookAlike();
    const proxy = new Proxy(new AbortController().signal, {});
    for (const signal of [real, works, proxy]) {
      expect((await scheduler.list(1, undefined, { signal })).appointments).toEqual([]);
    }
    expect(received).toEqual([real, works, proxy]);
  });

  it("is INVALID_ARGUMENT when a look-alike that passed fails later: its reason when it fires, its listener", async () => {
    // Fires while the read waits, and its reason cannot be read then.
    let fire: (() => void) | undefined;
    let aborted = false;
    const firesBadly = lookAlike({
      aborted: { get: () => aborted },
      reason: { get: () => (aborted ? throwing() : undefined) },
      addEventListener: { value: (_: string, listener: () => void) => (fire = listener) },
    });
    const pending = deferred<never[]>();
    const scheduler = createScheduler({ store: storeOver({ listAppointments: () => pending.promise }) });
    const listing = scheduler.list(1, undefined, { signal: firesBadly });
    await Promise.resolve();
    aborted = true;
    fire?.();
    expect(await expectCode(listing, "INVALID_ARGUMENT")).toMatchObject({ argument: "options.signal" });
    pending.resolve([]);

    // Lets a listener be added once (when signalOf tries it), then throws.
    let added = 0;
    const failsLater = lookAlike({
      addEventListener: { value: () => (added++ > 0 ? throwing() : undefined) },
    });
    const error = await expectCode(scheduler.list(1, undefined, { signal: failsLater }), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "options.signal" });
  });

  it("aborted with a reason that cannot be read is ABORTED, with that reason", async () => {
    const { proxy, revoke } = Proxy.revocable(new Error("gone"), {});
    revoke();
    const withName = Object.defineProperty({}, "name", { get: throwing });
    for (const reason of [proxy, withName]) {
      const controller = new AbortController();
      controller.abort(reason);
      const error = await expectCode(createScheduler().list(1, undefined, { signal: controller.signal }), "ABORTED");
      expect(error.cause).toBe(reason);
    }
  });
});

/** Values a clock or a resolver may return that are no instant, no zone, and partly cannot even be read. */
const HOSTILE: Record<string, () => unknown> = {
  "a revoked Proxy": () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  "a revoked Proxy of an Instant": () => {
    const { proxy, revoke } = Proxy.revocable(Temporal.Now.instant(), {});
    revoke();
    return proxy;
  },
  "a Proxy of an Instant": () => new Proxy(Temporal.Now.instant(), {}),
  "a Proxy whose traps throw": () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap");
        },
        getPrototypeOf: () => {
          throw new Error("trap");
        },
      },
    ),
  "an Instant look-alike beyond Temporal's range": () => ({
    [Symbol.toStringTag]: "Temporal.Instant",
    epochNanoseconds: 10n ** 30n,
  }),
  "an Instant look-alike whose epochNanoseconds throws": () =>
    Object.defineProperty({ [Symbol.toStringTag]: "Temporal.Instant" }, "epochNanoseconds", {
      get: () => {
        throw new Error("getter");
      },
    }),
  "a thenable whose then getter throws": () =>
    // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what this case is about
    Object.defineProperty({}, "then", {
      get: () => {
        throw new Error("getter");
      },
    }),
  "a thenable of a revoked Proxy": () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose: what a resolver may return
    return { then: (resolve: (value: unknown) => void) => resolve(proxy) };
  },
  "an object": () => ({ timeZone: "UTC" }),
  "a number": () => 42,
  undefined: () => undefined,
};

describe("a clock or a time zone resolver that returns what cannot be used", () => {
  const writes: [string, (s: Scheduler) => Promise<unknown>][] = [
    ["book", (s) => s.book(1, START)],
    ["cancel", (s) => s.cancel(1, "some-id")],
    ["reschedule", (s) => s.reschedule(1, "some-id", LATER)],
    ["purgeExpired", (s) => s.purgeExpired()],
  ];

  it("a clock: INVALID_ARGUMENT naming options.now, nothing written (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes),
        fc.constantFrom(...Object.keys(HOSTILE)),
        async ([, call], hostile) => {
          const { store, calls } = counted(new MemoryStore());
          const now = () => (HOSTILE[hostile] as () => unknown)() as Temporal.Instant;
          const error = await expectCode(call(createScheduler({ store, now })), "INVALID_ARGUMENT");
          expect(error).toMatchObject({ argument: "options.now" });
          expect(calls.filter((method) => method === "write" || method === "purgeExpired")).toEqual([]);
        },
      ),
    );
  });

  it("a clock that throws: its own error, unchanged", async () => {
    const own = new Error("the clock is broken");
    const scheduler = createScheduler({
      now: () => {
        throw own;
      },
    });
    await expect(scheduler.book(1, START)).rejects.toBe(own);
  });

  const operations: [string, (s: Scheduler) => Promise<unknown>][] = [
    ...writes.filter(([name]) => name !== "purgeExpired"),
    ["list", (s) => s.list(1)],
    ["get", (s) => s.get(1, "some-id")],
    ["availability", (s) => s.availability(1, DATE)],
  ];

  // A resolver's promise (an async resolver's) that the platform rejects, because the value it resolved with
  // cannot be read, rejected in the resolver's own code: like any rejection of its promise, it is passed on
  // unchanged. What the resolver itself returns is the scheduler's to read.
  it("a resolver: INVALID_ARGUMENT naming options.timeZone, or INVALID_TIME_ZONE, never a raw error (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.constantFrom(...Object.keys(HOSTILE)),
        async ([, call], hostile) => {
          const { store, calls } = counted(new MemoryStore());
          const timeZone = HOSTILE[hostile] as unknown as TimeZoneResolver;
          const error = await rejection(call(createScheduler({ store, timeZone, now: clock().now })));
          expect(["INVALID_ARGUMENT", "INVALID_TIME_ZONE"]).toContain(error.code);
          if (error instanceof InvalidArgumentError) expect(error.argument).toBe("options.timeZone");
          expect(calls).toEqual([]);
        },
      ),
    );
  });

  it("a resolver that returns a revoked Proxy, or a thenable of one: INVALID_ARGUMENT", async () => {
    for (const name of ["a revoked Proxy", "a thenable of a revoked Proxy"]) {
      const timeZone = HOSTILE[name] as unknown as TimeZoneResolver;
      const scheduler = createScheduler({ timeZone });
      expect(await expectCode(scheduler.book(1, START), "INVALID_ARGUMENT")).toMatchObject({
        argument: "options.timeZone",
      });
    }
  });

  it("a resolver that throws or rejects: its own error, unchanged; one that returns a thenable: its zone", async () => {
    const own = new TypeError("profile service down");
    const throws = createScheduler({
      timeZone: () => {
        throw own;
      },
    });
    await expect(throws.book(1, START)).rejects.toBe(own);
    const rejects = createScheduler({ timeZone: () => Promise.reject(own) });
    await expect(rejects.list(1)).rejects.toBe(own);
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose: what a resolver may return
    const thenable = { then: (resolve: (zone: string) => void) => resolve("Europe/London") };
    const scheduler = createScheduler({
      timeZone: (() => thenable) as unknown as TimeZoneResolver,
      now: clock().now,
    });
    expect((await scheduler.book(1, START)).start.timeZoneId).toBe("Europe/London");
  });
});
