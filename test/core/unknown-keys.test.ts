/**
 * Unknown keys (issue 12): `list(userId, { signal })` ignored its signal without a word, as every options
 * object ignored a misspelt or misplaced key. Now a key that an options object's reader does not read is
 * `INVALID_ARGUMENT` naming it (`range.signal`), in the range and in every options object: `createScheduler`'s,
 * its `policy` and `limit`, and every operation's. Only own enumerable string keys are options: a class
 * instance's prototype and symbol keys are not checked.
 */
import {
  type AppointmentStore,
  createScheduler,
  InvalidArgumentError,
  type Scheduler,
  type SchedulerOptions,
} from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectCode, expectThrownCode, storeOver } from "./support.js";

const START = "2021-04-22 11:30";

/** A scheduler over a store that counts its writes, with one appointment booked (not counted). */
async function counted() {
  let writes = 0;
  const store: AppointmentStore = storeOver({});
  const counting: AppointmentStore = {
    ...store,
    write: (request, options) => {
      writes++;
      return store.write(request, options);
    },
  };
  const scheduler = createScheduler({ store: counting });
  const { id } = await scheduler.book(1, START);
  writes = 0;
  return { scheduler, id, writes: () => writes };
}

interface Site {
  /** Where the object goes, as the error names it: `options`, `options.policy`, `range`. */
  readonly argument: string;
  /** The keys it may have. */
  readonly known: readonly string[];
  /** Calls with `object` in its place: a promise, or a synchronous throw for `createScheduler`. */
  readonly call: (object: object, scheduler: Scheduler, id: string) => unknown;
}

const SCHEDULER_KEYS = [
  "store",
  "timeZone",
  "policy",
  "ambiguousTime",
  "now",
  "generateId",
  "idempotencyRetention",
  "changeRetention",
];
const POLICY_KEYS = [
  "durationMinutes",
  "alignmentMinutes",
  "limit",
  "endAtMidnightCountsOnNextDate",
  "weekStartsOn",
  "minimumNotice",
  "maximumHorizon",
  "allowOverlap",
  "allowPastStarts",
  "cancellationNotice",
  "rescheduleNotice",
];

/** Every object of the API that holds options, by the call it is passed to. */
const SITES: Record<string, Site> = {
  "createScheduler(x)": {
    argument: "options",
    known: SCHEDULER_KEYS,
    call: (x) => createScheduler(x as SchedulerOptions),
  },
  "createScheduler({ policy: x })": {
    argument: "options.policy",
    known: POLICY_KEYS,
    call: (x) => createScheduler({ policy: x }),
  },
  "createScheduler({ policy: { limit: x } })": {
    argument: "options.policy.limit",
    known: ["max", "per"],
    call: (x) => createScheduler({ policy: { limit: x as never } }),
  },
  "book(user, start, x)": {
    argument: "options",
    known: ["signal", "idempotencyKey", "metadata"],
    call: (x, s) => s.book(1, "2021-04-23 11:30", x),
  },
  "cancel(user, id, x)": {
    argument: "options",
    known: ["signal", "idempotencyKey", "reason", "allowLate"],
    call: (x, s, id) => s.cancel(1, id, x),
  },
  "reschedule(user, id, start, x)": {
    argument: "options",
    known: ["signal", "idempotencyKey"],
    call: (x, s, id) => s.reschedule(1, id, "2021-04-24 11:30", x),
  },
  "list(user, x)": { argument: "range", known: ["from", "to"], call: (x, s) => s.list(1, x) },
  "list(user, range, x)": {
    argument: "options",
    known: ["signal", "status", "limit", "after"],
    call: (x, s) => s.list(1, {}, x),
  },
  "get(user, id, x)": { argument: "options", known: ["signal"], call: (x, s, id) => s.get(1, id, x) },
  "availability(user, date, x)": {
    argument: "options",
    known: ["signal"],
    call: (x, s) => s.availability(1, "2021-04-25", x),
  },
  "changes(x)": { argument: "options", known: ["signal", "after", "limit", "userId"], call: (x, s) => s.changes(x) },
  "purgeExpired(x)": { argument: "options", known: ["signal"], call: (x, s) => s.purgeExpired(x) },
};

/** The typed error of a call, whether it throws (createScheduler) or rejects. */
async function errorOf(run: () => unknown): Promise<InvalidArgumentError> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof InvalidArgumentError)) throw new Error(`expected INVALID_ARGUMENT, got ${String(error)}`);
  return error;
}

describe("the regression: list(userId, { signal })", () => {
  it("is INVALID_ARGUMENT naming range.signal and where a signal belongs, instead of listing unbounded", async () => {
    const { scheduler } = await counted();
    const error = await expectCode(
      scheduler.list(1, { signal: AbortSignal.timeout(1000) } as never),
      "INVALID_ARGUMENT",
    );
    expect(error).toMatchObject({ argument: "range.signal" });
    expect(error.message).toBe(
      "range.signal is not a known key of range (it takes from, to): signal is an option, and belongs in " +
        "list's third argument: list(userId, range, { signal })",
    );
    // Where it belongs, it works.
    expect((await scheduler.list(1, {}, { signal: AbortSignal.timeout(1000) })).appointments).toHaveLength(1);
  });

  it("points every option of list put in the range to the third argument", async () => {
    const { scheduler } = await counted();
    const error = await expectCode(scheduler.list(1, { status: "all" } as never), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: "range.status" });
    expect(error.message).toContain("list(userId, range, { status })");
  });
});

describe("a key outside the known set, in each options object", () => {
  it.each([
    [
      "createScheduler({ timezone })",
      () => createScheduler({ timezone: "Europe/London" } as never),
      "options.timezone",
    ],
    ["policy { duration }", () => createScheduler({ policy: { duration: 45 } as never }), "options.policy.duration"],
    [
      "limit { weekStartsOn }",
      () => createScheduler({ policy: { limit: { max: 2, per: "week", weekStartsOn: 7 } as never } }),
      "options.policy.limit.weekStartsOn",
    ],
  ])("%s is INVALID_ARGUMENT naming it", (_, run, argument) => {
    const error = expectThrownCode(run, "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument });
    expect(error.message).toMatch(new RegExp(`^${argument.replaceAll(".", "\\.")} is not a known key of `));
  });

  it.each([
    [
      "book { idempotency_key }",
      (s: Scheduler) => s.book(1, START, { idempotency_key: "k" } as never),
      "idempotency_key",
    ],
    ["cancel { reasons }", (s: Scheduler, id: string) => s.cancel(1, id, { reasons: "ill" } as never), "reasons"],
    [
      "reschedule { metadata } (only book keeps metadata)",
      (s: Scheduler, id: string) => s.reschedule(1, id, "2021-04-23 11:30", { metadata: {} } as never),
      "metadata",
    ],
    [
      "reschedule { reason }",
      (s: Scheduler, id: string) => s.reschedule(1, id, "2021-04-23 11:30", { reason: "x" } as never),
      "reason",
    ],
    [
      "list options { from } (the range's)",
      (s: Scheduler) => s.list(1, undefined, { from: "2021-04-22" } as never),
      "from",
    ],
    ["get { status }", (s: Scheduler, id: string) => s.get(1, id, { status: "all" } as never), "status"],
    [
      "availability { timeZone }",
      (s: Scheduler) => s.availability(1, "2021-04-22", { timeZone: "UTC" } as never),
      "timeZone",
    ],
    ["changes { cursor }", (s: Scheduler) => s.changes({ cursor: "1" } as never), "cursor"],
    ["purgeExpired { before }", (s: Scheduler) => s.purgeExpired({ before: 0 } as never), "before"],
  ])("%s is INVALID_ARGUMENT naming it, and nothing is written", async (_, run, key) => {
    const { scheduler, id, writes } = await counted();
    const error = await expectCode(run(scheduler, id), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument: `options.${key}` });
    expect(error.message).toContain("is not a known key of options (it takes signal");
    expect(writes()).toBe(0);
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments.map((a) => a.status)).toEqual([
      "booked",
    ]);
  });

  it.each([
    ["the empty key", "", 'options[""]'],
    ["a numeric key", "0", 'options["0"]'],
    ["a key with a space", "time zone", 'options["time zone"]'],
    ["an own __proto__", "__proto__", "options.__proto__"],
    ["a key of 100000 characters", "x".repeat(100_000), `options["${"x".repeat(64)}…"]`],
  ])("names %s as a path, shortened when long", async (_, key, argument) => {
    const { scheduler } = await counted();
    const options = Object.defineProperty({}, key, { value: 1, enumerable: true });
    const error = await expectCode(scheduler.get(1, "id", options), "INVALID_ARGUMENT");
    expect(error).toMatchObject({ argument });
    expect(error.message.length).toBeLessThan(300);
  });

  it("property: any object with a key outside the known set is refused naming that key, before any other check, and nothing is written", async () => {
    const identifier = fc.stringMatching(/^[A-Za-z_$][\w$]{0,12}$/);
    // A site, some of its known keys with any values (even invalid ones: the unknown key is what is
    // reported), and the unknown key with any value, first or last.
    const objectAtSite = fc.constantFrom(...Object.entries(SITES)).chain(([name, site]) =>
      fc.record({
        name: fc.constant(name),
        site: fc.constant(site),
        known: fc
          .subarray([...site.known])
          .chain((keys) => fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k), fc.anything())))),
        key: identifier.filter((key) => !site.known.includes(key)),
        value: fc.anything(),
        first: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(objectAtSite, async ({ site, known, key, value, first }) => {
        const object = Object.fromEntries(first ? [[key, value], ...known] : [...known, [key, value]]);
        const { scheduler, id, writes } = await counted();
        const error = await errorOf(() => site.call(object, scheduler, id));
        expect(error.argument).toBe(`${site.argument}.${key}`);
        expect(error.message).toContain(`${site.argument}.${key} is not a known key of ${site.argument}`);
        expect(writes()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe("what is not an unknown key", () => {
  it.each(Object.entries(SITES))("%s accepts every known key, also explicitly undefined", async (name, site) => {
    const { scheduler, id } = await counted();
    const object = Object.fromEntries(site.known.map((key) => [key, undefined]));
    // createScheduler's limit cannot be all undefined: only its keys are the subject here.
    if (name.includes("limit")) Object.assign(object, { max: 1, per: "day" });
    await site.call(object, scheduler, id);
  });

  it("checks only the own keys of a class instance, not its prototype's methods and getters", async () => {
    class BookingOptions {
      idempotencyKey = "booking-1";
      get metadata() {
        return { source: "class" };
      }
      describe() {
        return `booking ${this.idempotencyKey}`;
      }
    }
    const { scheduler } = await counted();
    const appointment = await scheduler.book(1, "2021-04-23 11:30", new BookingOptions());
    expect(appointment.metadata).toEqual({ source: "class" });
  });

  it("ignores inherited enumerable keys and symbol keys", async () => {
    const { scheduler } = await counted();
    const inheriting = Object.assign(Object.create({ legacy: true }), { status: "all" });
    expect((await scheduler.list(1, undefined, inheriting)).appointments).toHaveLength(1);
    expect((await scheduler.list(1, { [Symbol("tag")]: 1 } as never)).appointments).toHaveLength(1);
    expect(() => createScheduler(Object.create({ timezone: "UTC" }))).not.toThrow();
  });
});

describe("objects whose keys cannot be listed", () => {
  const thrower = () => {
    throw new TypeError("trap");
  };
  const TRAPS: [string, () => object][] = [
    ["ownKeys throws", () => new Proxy({}, { ownKeys: thrower })],
    ["getOwnPropertyDescriptor throws", () => new Proxy({ signal: undefined }, { getOwnPropertyDescriptor: thrower })],
    ["getPrototypeOf throws", () => new Proxy({}, { getPrototypeOf: thrower })],
    [
      "revoked",
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    ],
  ];
  const cases = Object.entries(SITES).flatMap(([name, site]) =>
    TRAPS.map(([trap, make]) => [name, trap, site, make] as const),
  );

  it.each(cases)("%s, where %s, is INVALID_ARGUMENT naming the object", async (_, __, site, make) => {
    const { scheduler, id, writes } = await counted();
    const error = await errorOf(() => site.call(make(), scheduler, id));
    expect(error.argument).toBe(site.argument);
    expect(writes()).toBe(0);
  });
});
