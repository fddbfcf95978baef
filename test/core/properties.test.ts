/**
 * Properties of the core, checked with fast-check over many zones, dates, policies and inputs:
 * - every accepted appointment is aligned in local time and lasts exactly `durationMinutes` of elapsed time;
 * - availability offers distinct, aligned, in-order starts of that date, each of which `book` accepts;
 * - the wire format round-trips: parse(format(x)) is x for unambiguous times, and the occurrence the
 *   `ambiguousTime` rule picks for times in a repeated hour;
 * - any value of any type passed to any public function yields a typed SchedulerError, never a raw
 *   TypeError or RangeError.
 *
 * Runs are bounded so that the file stays fast; failures fast-check finds become named regression examples.
 */
import {
  type AmbiguousTimeRule,
  createScheduler,
  ERROR_CODES,
  isSchedulerError,
  type Scheduler,
  SchedulerError,
} from "appointment-scheduler";
import { formatWireTime, toWireAppointment } from "appointment-scheduler/http";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";

/** Zones with DST of an hour, of 30 minutes (Lord Howe), none, odd offsets, and a day without midnight. */
const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/London",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
  "Pacific/Chatham",
  "America/Havana",
  "America/St_Johns",
  "Europe/Dublin",
] as const;

/** Divisors of a day (1440 minutes). */
const ALIGNMENTS = [1, 5, 10, 15, 20, 30, 45, 60, 90, 120, 360, 1440] as const;

const zone = fc.constantFrom(...ZONES);
const alignment = fc.constantFrom(...ALIGNMENTS);
const duration = fc.oneof(fc.integer({ min: 1, max: 180 }), fc.integer({ min: 1, max: 3 * 1440 }));
/** Dates of 2019–2023, weighted towards the DST transitions of the zones above. */
const date = fc
  .oneof(
    fc.date({ min: new Date("2019-01-01T00:00Z"), max: new Date("2023-12-31T00:00Z"), noInvalidDate: true }),
    fc.constantFrom(
      ...["2021-03-14", "2021-11-07", "2021-03-28", "2021-10-31", "2021-04-04", "2021-10-03", "2021-09-26"].map(
        (d) => new Date(`${d}T00:00Z`),
      ),
    ),
  )
  .map((d) => Temporal.PlainDate.from(d.toISOString().slice(0, 10)));

/** Minutes since local midnight of an aligned start. */
const localMinutes = (time: Temporal.ZonedDateTime) => time.hour * 60 + time.minute;

/** Each run books into a fresh scheduler, so that the limit never interferes unless it is the subject. */
const lenient = (timeZone: string, policy: object = {}, ambiguousTime: AmbiguousTimeRule = "earlier") =>
  createScheduler({ timeZone, ambiguousTime, policy: { limit: { max: 1000, per: "day" }, ...policy } });

describe("time properties", () => {
  it("every accepted appointment is aligned in local time and lasts exactly durationMinutes", async () => {
    let accepted = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        zone,
        alignment,
        duration,
        date,
        fc.nat(1439),
        fc.boolean(),
        fc.constantFrom("wall-clock", "instant", "date", "rfc3339"),
        async (timeZone, alignmentMinutes, durationMinutes, day, minute, onGrid, form) => {
          runs++;
          const scheduler = lenient(timeZone, { alignmentMinutes, durationMinutes });
          // Wall-clock times on the grid half of the time, anywhere otherwise; or the exact times they mean.
          const minutes = onGrid ? minute - (minute % alignmentMinutes) : minute;
          const wall = day.toPlainDateTime({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
          const exact = wall.toZonedDateTime(timeZone).toInstant();
          const input =
            form === "wall-clock"
              ? wall.toString()
              : form === "instant"
                ? exact
                : form === "date"
                  ? new Date(exact.epochMilliseconds)
                  : exact.toString();
          let appointment: Awaited<ReturnType<Scheduler["book"]>>;
          try {
            appointment = await scheduler.book(1, input);
          } catch (error) {
            if (!isSchedulerError(error)) throw error;
            // A fresh scheduler refuses a start only when it is off the local grid or does not exist.
            if (error.code === "MISALIGNED_START") {
              expect(localMinutes(exact.toZonedDateTimeISO(timeZone)) % alignmentMinutes).not.toBe(0);
            } else {
              expect(error.code).toBe("NONEXISTENT_LOCAL_TIME");
              expect(form).toBe("wall-clock");
            }
            return;
          }
          accepted++;
          const { start, end } = appointment;
          expect(start.timeZoneId).toBe(timeZone);
          expect(end.timeZoneId).toBe(timeZone);
          expect([start.second, start.millisecond, start.microsecond, start.nanosecond]).toEqual([0, 0, 0, 0]);
          expect(localMinutes(start) % alignmentMinutes).toBe(0);
          expect(end.epochNanoseconds - start.epochNanoseconds).toBe(BigInt(durationMinutes) * 60_000_000_000n);
          if (form === "wall-clock") expect(start.toPlainDateTime().equals(wall)).toBe(true);
          else expect(start.toInstant().equals(exact)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    // The property is about accepted appointments: make sure there were plenty.
    expect(accepted).toBeGreaterThan(runs / 4);
  });

  it("availability offers distinct, aligned starts of that date in time order, each one bookable", async () => {
    await fc.assert(
      fc.asyncProperty(zone, fc.constantFrom(15, 30, 60, 120), date, async (timeZone, alignmentMinutes, day) => {
        const scheduler = createScheduler({ timeZone, policy: { alignmentMinutes } });
        const slots = await scheduler.availability(1, day);
        const instants = slots.map((slot) => slot.start.epochMilliseconds);
        expect(instants).toEqual([...new Set(instants)].sort((a, b) => a - b));
        for (const slot of slots) {
          expect(slot.start.toPlainDate().equals(day)).toBe(true);
          expect(localMinutes(slot.start) % alignmentMinutes).toBe(0);
          expect(slot.start.second).toBe(0);
          expect(slot.end.epochMilliseconds - slot.start.epochMilliseconds).toBe(30 * 60_000);
        }
        // The day's length in hours decides the count, give or take the grid's treatment of the change.
        const hours = day.toZonedDateTime(timeZone).hoursInDay;
        expect(Math.abs(slots.length - (hours * 60) / alignmentMinutes)).toBeLessThanOrEqual(1);
        // Every offered slot is accepted as it is offered (a user with nothing booked yet).
        for (const [user, slot] of slots.entries()) {
          const appointment = await scheduler.book(user + 2, slot.start);
          expect(appointment.start.equals(slot.start)).toBe(true);
        }
        // After one booking, nothing else on that date is offered to that user.
        const first = slots[0];
        if (first) {
          await scheduler.book(1, first.start);
          expect(await scheduler.availability(1, day)).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("parse(format(x)) round-trips for unambiguous times, and gives the rule's occurrence in a repeated hour", async () => {
    const instant = fc
      .integer({ min: Date.UTC(1900, 0, 1) / 60_000, max: Date.UTC(2100, 0, 1) / 60_000 })
      .map((minutes) => Temporal.Instant.fromEpochMilliseconds(minutes * 60_000));
    await fc.assert(
      fc.asyncProperty(
        zone,
        fc.constantFrom<AmbiguousTimeRule>("earlier", "later"),
        fc.oneof(
          instant,
          date.chain((d) => fc.constantFrom(...nearTransitions(d))),
        ),
        async (timeZone, rule, exact) => {
          const x = exact.toZonedDateTimeISO(timeZone);
          // The wire form has minutes only: local mean times before standard offsets (Kolkata's +05:53:28
          // in 1905) put whole UTC minutes at local seconds, which it cannot carry.
          fc.pre(x.second === 0);
          const wire = formatWireTime(x);
          expect(wire).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
          const scheduler = lenient(timeZone, { alignmentMinutes: 1 }, rule);
          const parsed = (await scheduler.book(1, wire)).start;
          const wallClock = x.toPlainDateTime();
          const earlier = wallClock.toZonedDateTime(timeZone, { disambiguation: "earlier" });
          const later = wallClock.toZonedDateTime(timeZone, { disambiguation: "later" });
          if (earlier.equals(later)) {
            expect(parsed.equals(x)).toBe(true);
          } else {
            expect(parsed.equals(rule === "earlier" ? earlier : later)).toBe(true);
            expect(x.equals(earlier) || x.equals(later)).toBe(true);
          }
          expect(formatWireTime(parsed)).toBe(wire);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("toWireAppointment formats start and end as formatWireTime does", async () => {
    await fc.assert(
      fc.asyncProperty(zone, date, async (timeZone, day) => {
        const [slot] = await createScheduler({ timeZone }).availability(1, day);
        if (!slot) return;
        expect(toWireAppointment(slot)).toEqual({
          start_time: formatWireTime(slot.start),
          end_time: formatWireTime(slot.end),
        });
      }),
      { numRuns: 50 },
    );
  });

  // Regression examples for the round trip, at fixed points of the property above.
  it.each([
    ["America/New_York", "2021-11-07T05:30:00Z", "earlier", "2021-11-07T01:30:00-04:00"],
    ["America/New_York", "2021-11-07T06:30:00Z", "earlier", "2021-11-07T01:30:00-04:00"],
    ["America/New_York", "2021-11-07T06:30:00Z", "later", "2021-11-07T01:30:00-05:00"],
    ["Australia/Lord_Howe", "2021-04-03T14:30:00Z", "later", "2021-04-04T01:30:00+10:30"],
    ["Asia/Kathmandu", "2021-04-22T05:45:00Z", "earlier", "2021-04-22T11:30:00+05:45"],
  ] as const)("%s %s, rule %s, reads back as %s", async (timeZone, instant, rule, expected) => {
    const wire = formatWireTime(Temporal.Instant.from(instant).toZonedDateTimeISO(timeZone));
    const parsed = await lenient(timeZone, { alignmentMinutes: 1 }, rule).book(1, wire);
    expect(parsed.start.toString({ timeZoneName: "never" })).toBe(expected);
  });
});

/** Instants every half hour in the 48 hours around the start of `day`: where the DST changes are. */
function nearTransitions(day: Temporal.PlainDate): Temporal.Instant[] {
  const start = day.toZonedDateTime("UTC").toInstant().subtract({ hours: 24 });
  return Array.from({ length: 96 }, (_, i) => start.add({ minutes: 30 * i }));
}

describe("any value of any type yields a typed error", () => {
  const thrower = () => {
    throw new Error("getter says no");
  };
  /** Names the library reads from its arguments; each becomes a throwing getter below. */
  const NAMES = [
    "signal",
    "from",
    "to",
    "policy",
    "store",
    "timeZone",
    "ambiguousTime",
    "now",
    "generateId",
    "durationMinutes",
    "alignmentMinutes",
    "limit",
    "max",
    "per",
    "endAtMidnightCountsOnNextDate",
    "weekStartsOn",
    "minimumNotice",
    "maximumHorizon",
    "start",
    "end",
    "epochNanoseconds",
    "timeZoneId",
    "aborted",
    "reason",
    "addEventListener",
    "removeEventListener",
    "toString",
    "valueOf",
    "years",
    "days",
    "hours",
    "minutes",
  ];
  const throwingGetters = (tag?: string) => {
    const value: Record<PropertyKey, unknown> = {};
    for (const name of NAMES) Object.defineProperty(value, name, { get: thrower, enumerable: true });
    Object.defineProperty(value, Symbol.toPrimitive, { get: thrower });
    if (tag) Object.defineProperty(value, Symbol.toStringTag, { value: tag });
    return value;
  };
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };
  const hostileProxy = (target: object = {}) =>
    new Proxy(target, {
      get: thrower,
      has: thrower,
      ownKeys: thrower,
      getOwnPropertyDescriptor: thrower,
      getPrototypeOf: thrower,
    });

  /**
   * Hand-made hostile values: throwing getters, Proxies, look-alikes, values at Temporal's limits. They are
   * made afresh inside each run, by name: fast-check itself inspects the values it generates (for a clone
   * method), which a Proxy with throwing traps would not survive.
   */
  const SPECIALS: Record<string, () => unknown> = {
    "throwing getters": () => throwingGetters(),
    "throwing getters tagged Temporal.Instant": () => throwingGetters("Temporal.Instant"),
    "throwing getters tagged Temporal.ZonedDateTime": () => throwingGetters("Temporal.ZonedDateTime"),
    "throwing getters tagged Temporal.PlainDateTime": () => throwingGetters("Temporal.PlainDateTime"),
    "throwing getters tagged Temporal.PlainDate": () => throwingGetters("Temporal.PlainDate"),
    "Proxy with throwing traps": () => hostileProxy(),
    "Proxy of a function with throwing traps": () => hostileProxy(() => {}),
    "Proxy of a Date with throwing traps": () => hostileProxy(new Date(0)),
    "revoked Proxy": revoked,
    "Instant look-alike beyond Temporal's range": () => ({
      [Symbol.toStringTag]: "Temporal.Instant",
      epochNanoseconds: 10n ** 30n,
    }),
    "PlainDateTime look-alike whose toString returns an object": () => ({
      [Symbol.toStringTag]: "Temporal.PlainDateTime",
      toString: () => ({}),
    }),
    "PlainDate look-alike at Temporal's end": () => ({
      [Symbol.toStringTag]: "Temporal.PlainDate",
      toString: () => "+275760-09-13",
    }),
    "PlainDateTime look-alike at Temporal's end": () => ({
      [Symbol.toStringTag]: "Temporal.PlainDateTime",
      toString: () => "+275760-09-13T00:00",
    }),
    "PlainDate at Temporal's end": () => Temporal.PlainDate.from("+275760-09-13"),
    "PlainDateTime at Temporal's start": () => Temporal.PlainDateTime.from("-271821-04-20T00:00"),
    "Instant at Temporal's end": () => Temporal.Instant.fromEpochNanoseconds(10n ** 8n * 86_400n * 10n ** 9n),
    "ZonedDateTime in Kathmandu": () => Temporal.ZonedDateTime.from("2021-04-22T11:30[Asia/Kathmandu]"),
    "Duration of 300000 years": () => Temporal.Duration.from({ years: 300_000 }),
    "duration-like of 300000 years": () => ({ years: 300_000 }),
    "duration-like of 1e8 days": () => ({ days: 100_000_000 }),
    "options with a signal look-alike": () => ({ signal: { aborted: "no", addEventListener: 1 } }),
    "range of Proxies": () => ({ from: revoked(), to: hostileProxy() }),
    "limit with an unsafe max": () => ({ max: 2 ** 53, per: "day" }),
    "null-prototype object": () => Object.create(null),
    "null-prototype object with a non-function toString": () => Object.assign(Object.create(null), { toString: 5 }),
    "invalid Date": () => new Date(Number.NaN),
    "Date at the end of time": () => new Date(8.64e15),
    symbol: () => Symbol("x"),
    "the brand symbol": () => Symbol.for("appointment-scheduler.error"),
    "huge bigint": () => 10n ** 100n,
    "negative zero": () => -0,
    NaN: () => Number.NaN,
    "-Infinity": () => Number.NEGATIVE_INFINITY,
    "very long string": () => "x".repeat(100_000),
    "NUL character": () => "\u0000",
    "critical unknown annotations": () => "2021-04-22T11:30[!u-ca=iso8601][!x-foo=bar]",
    "offset of almost a day with a far zone": () => "2021-04-22T11:30+23:59[Etc/GMT-14]",
    "last half hour of 9999 in UTC-12": () => "9999-12-31T23:30-12:00",
    "a function": () => () => "2021-04-22 11:30",
  };

  /** A value description fast-check can generate, print and shrink safely; `materialize` makes the value. */
  type Described = { special: string } | { value: unknown };
  const materialize = (described: Described): unknown =>
    "special" in described ? (SPECIALS[described.special] as () => unknown)() : described.value;

  const anyValue: fc.Arbitrary<Described> = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Object.keys(SPECIALS)).map((special) => ({ special })) },
    {
      weight: 5,
      arbitrary: fc
        .anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withTypedArray: true,
          withSparseArray: true,
          withUnicodeString: true,
        })
        .map((value) => ({ value })),
    },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.double(), fc.bigInt()).map((value) => ({ value })) },
  );

  /** Passes if `run` returns (or resolves), or fails with a SchedulerError of a catalogued code. */
  async function typedOrNothing(run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof SchedulerError) || !isSchedulerError(error) || !(error.code in ERROR_CODES)) {
        throw new Error(`untyped failure: ${String((error as Error)?.name)}: ${String((error as Error)?.message)}`, {
          cause: error,
        });
      }
    }
  }

  const START = "2021-04-22 11:30";
  const DATE = "2021-04-22";
  type Call = (s: Scheduler, value: unknown, id: string) => unknown;
  const v = <T>(value: unknown) => value as T;
  const CALLS: [string, Call][] = [
    ["book(x, start)", (s, x) => s.book(v(x), START)],
    ["book(user, x)", (s, x) => s.book(1, v(x))],
    ["book(user, start, x)", (s, x) => s.book(1, "2021-04-23 11:30", v(x))],
    ["list(x)", (s, x) => s.list(v(x))],
    ["list(user, x)", (s, x) => s.list(1, v(x))],
    ["list(user, { from: x, to: x })", (s, x) => s.list(1, { from: v(x), to: v(x) })],
    ["list(user, undefined, x)", (s, x) => s.list(1, undefined, v(x))],
    ["get(x, id)", (s, x, id) => s.get(v(x), id)],
    ["get(user, x)", (s, x) => s.get(1, v(x))],
    ["get(user, id, x)", (s, x, id) => s.get(1, id, v(x))],
    ["cancel(x, id)", (s, x, id) => s.cancel(v(x), id)],
    ["cancel(user, x)", (s, x) => s.cancel(1, v(x))],
    ["cancel(user, id, x)", (s, x, id) => s.cancel(1, id, v(x))],
    ["reschedule(x, id, start)", (s, x, id) => s.reschedule(v(x), id, START)],
    ["reschedule(user, x, start)", (s, x) => s.reschedule(1, v(x), START)],
    ["reschedule(user, id, x)", (s, x, id) => s.reschedule(1, id, v(x))],
    ["reschedule(user, id, start, x)", (s, x, id) => s.reschedule(1, id, START, v(x))],
    ["availability(x, date)", (s, x) => s.availability(v(x), DATE)],
    ["availability(user, x)", (s, x) => s.availability(1, v(x))],
    ["availability(user, date, x)", (s, x) => s.availability(1, DATE, v(x))],
    ["book(x, x, x)", (s, x) => s.book(v(x), v(x), v(x))],
    ["book(user, start, { idempotencyKey: x })", (s, x) => s.book(1, "2021-04-24 11:30", { idempotencyKey: v(x) })],
    ["book(user, start, { metadata: x })", (s, x) => s.book(1, "2021-04-25 11:30", { metadata: v(x) })],
    ["list(user, undefined, { status: x })", (s, x) => s.list(1, undefined, { status: v(x) })],
    ["cancel(user, id, { reason: x })", (s, x, id) => s.cancel(1, id, { reason: v(x) })],
    [
      "reschedule(user, id, start, { idempotencyKey: x })",
      (s, x, id) => s.reschedule(1, id, START, { idempotencyKey: v(x) }),
    ],
    ["changes(x)", (s, x) => s.changes(v(x))],
    ["changes({ after: x, limit: x, userId: x })", (s, x) => s.changes({ after: v(x), limit: v(x), userId: v(x) })],
    ["purgeExpired(x)", (s, x) => s.purgeExpired(v(x))],
  ];

  it.each(CALLS)("%s", async (_, call) => {
    const scheduler = createScheduler({ timeZone: "America/New_York" });
    const { id } = await scheduler.book(1, START);
    await fc.assert(
      fc.asyncProperty(anyValue, async (described) => {
        await typedOrNothing(() => call(scheduler, materialize(described), id));
      }),
      { numRuns: 150 },
    );
  });

  const OPTION_PATHS: [string, (x: unknown) => unknown][] = [
    ["createScheduler(x)", (x) => x],
    ...[
      "policy",
      "store",
      "timeZone",
      "ambiguousTime",
      "now",
      "generateId",
      "idempotencyRetention",
      "changeRetention",
    ].map((key): [string, (x: unknown) => unknown] => [`createScheduler({ ${key}: x })`, (x) => ({ [key]: x })]),
    ...[
      "durationMinutes",
      "alignmentMinutes",
      "limit",
      "endAtMidnightCountsOnNextDate",
      "weekStartsOn",
      "minimumNotice",
      "maximumHorizon",
      "allowOverlap",
    ].map((key): [string, (x: unknown) => unknown] => [
      `createScheduler({ policy: { ${key}: x } })`,
      (x) => ({ policy: { [key]: x } }),
    ]),
    [
      "createScheduler({ policy: { limit: { max: x, per: 'day' } } })",
      (x) => ({ policy: { limit: { max: x, per: "day" } } }),
    ],
    ["createScheduler({ policy: { limit: { max: 1, per: x } } })", (x) => ({ policy: { limit: { max: 1, per: x } } })],
  ];

  it.each(OPTION_PATHS)("%s, and the scheduler it makes, if any", async (_, options) => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (described) => {
        let scheduler: Scheduler | undefined;
        await typedOrNothing(() => {
          scheduler = createScheduler(options(materialize(described)) as never);
        });
        if (!scheduler) return;
        // Options that were accepted must not break the operations later.
        const made = scheduler;
        await typedOrNothing(() => made.book(1, START));
        await typedOrNothing(() => made.availability(1, DATE));
        await typedOrNothing(() => made.list(1));
      }),
      { numRuns: 100 },
    );
  });

  it("a policy of any valid-looking but extreme values still yields only typed errors", async () => {
    const durationLike = fc.record(
      {
        years: fc.integer({ min: -1, max: 2 ** 31 }),
        months: fc.integer({ min: 0, max: 2 ** 31 }),
        days: fc.integer({ min: 0, max: 2 ** 40 }),
        hours: fc.integer({ min: 0, max: 2 ** 50 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            durationMinutes: fc.integer({ min: -1, max: 20_000 }),
            alignmentMinutes: fc.constantFrom(...ALIGNMENTS, 0, 7, 2880),
            minimumNotice: fc.oneof(durationLike, fc.constant("PT0S")),
            maximumHorizon: fc.oneof(durationLike, fc.constant("P10000Y")),
            weekStartsOn: fc.integer({ min: 0, max: 8 }),
          },
          { requiredKeys: [] },
        ),
        fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
        zone,
        date,
        async (policy, now, timeZone, day) => {
          let scheduler: Scheduler | undefined;
          await typedOrNothing(() => {
            scheduler = createScheduler({
              policy,
              timeZone,
              now: () => Temporal.Instant.fromEpochMilliseconds(now.getTime()),
            });
          });
          if (!scheduler) return;
          const made = scheduler;
          await typedOrNothing(() => made.book(1, day.toPlainDateTime({ hour: 12 })));
          await typedOrNothing(() => made.availability(1, day));
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([
    ["formatWireTime(x)", (x: unknown) => formatWireTime(x as never)],
    ["toWireAppointment(x)", (x: unknown) => toWireAppointment(x as never)],
    ["toWireAppointment({ start: x, end: x })", (x: unknown) => toWireAppointment({ start: x, end: x } as never)],
  ])("%s", async (_, call) => {
    await fc.assert(
      fc.asyncProperty(anyValue, async (described) => {
        await typedOrNothing(() => call(materialize(described)));
      }),
      { numRuns: 200 },
    );
  });

  it("isSchedulerError(x) answers a boolean for any value, never throwing", () => {
    fc.assert(
      fc.property(anyValue, (described) => {
        expect(typeof isSchedulerError(materialize(described))).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  // Regressions this property found. Each escaped as the raw error named, instead of a typed error.
  describe("regression examples", () => {
    const getterThrows = (...names: string[]) => {
      const value = {};
      for (const name of names) Object.defineProperty(value, name, { get: thrower });
      return value;
    };
    const START_OK = "2021-04-23 11:30";

    it("createScheduler with a throwing getter or a revoked Proxy anywhere in its options (raw Error/TypeError)", () => {
      for (const options of [
        getterThrows("policy"),
        getterThrows("timeZone"),
        revoked(),
        hostileProxy(),
        { policy: getterThrows("durationMinutes") },
        { policy: revoked() },
        { policy: { limit: getterThrows("max") } },
        { policy: { limit: revoked() } },
        { store: getterThrows("write") },
        { store: revoked() },
      ]) {
        let thrown: unknown;
        try {
          createScheduler(options as never);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(SchedulerError);
        expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT" });
      }
    });

    it("operation options or a list range with a throwing getter or a revoked Proxy (raw Error/TypeError)", async () => {
      const scheduler = createScheduler();
      const cases: [Promise<unknown>, string][] = [
        [scheduler.book(1, START_OK, getterThrows("signal") as never), "options"],
        [scheduler.book(1, START_OK, revoked() as never), "options"],
        [scheduler.book(1, START_OK, { signal: getterThrows("aborted") as never }), "options.signal"],
        [scheduler.availability(1, "2021-04-22", { signal: revoked() as never }), "options.signal"],
        [scheduler.list(1, getterThrows("from") as never), "range"],
        // Regression (contract v2): a revoked Proxy as metadata escaped as a raw TypeError from Array.isArray.
        [scheduler.book(1, START_OK, { metadata: revoked() as never }), "options.metadata"],
        [scheduler.list(1, hostileProxy(new Date(0)) as never), "range"],
      ];
      for (const [operation, argument] of cases) {
        await expect(operation).rejects.toMatchObject({ code: "INVALID_ARGUMENT", argument });
      }
    });

    it("formatWireTime and toWireAppointment given something else than zoned times (raw TypeError)", () => {
      const invalid = (run: () => unknown, argument: string) => {
        let thrown: unknown;
        try {
          run();
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toMatchObject({ code: "INVALID_ARGUMENT", argument });
      };
      invalid(() => formatWireTime("" as never), "time");
      invalid(() => formatWireTime(new Date(0) as never), "time");
      invalid(() => formatWireTime(Temporal.Instant.from("2021-04-22T11:30Z") as never), "time");
      invalid(() => toWireAppointment(null as never), "appointment");
      invalid(() => toWireAppointment([] as never), "appointment.start");
      invalid(() => toWireAppointment(getterThrows("start") as never), "appointment");
    });

    it("formats a ZonedDateTime of another Temporal implementation by its exact time and zone", () => {
      const foreign = {
        [Symbol.toStringTag]: "Temporal.ZonedDateTime",
        epochNanoseconds: Temporal.Instant.from("2021-04-22T05:45Z").epochNanoseconds,
        timeZoneId: "Asia/Kathmandu",
      };
      expect(formatWireTime(foreign as never)).toBe("2021-04-22 11:30");
    });
  });
});
