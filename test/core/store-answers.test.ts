/**
 * A store that answers outside its contract (a record with a time that is no integer of milliseconds, a
 * record of another user, an unknown status, a list that is no array) makes the scheduler fail with a typed
 * error, never with a `TypeError` or `RangeError` from deep inside: `STORE_UNAVAILABLE` for a read, and
 * `OUTCOME_UNKNOWN` for a write (the store claimed an outcome, but its answer cannot be trusted to say what
 * it wrote).
 */
import {
  type AppointmentRecord,
  type AppointmentStore,
  type ChangeRecord,
  createScheduler,
  isSchedulerError,
  MemoryStore,
  type Scheduler,
  type WriteResult,
} from "appointment-scheduler";
import { createAppointmentsHttpApi } from "appointment-scheduler/http";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { expectCode, rejection, settableClock, storeOver } from "./support.js";

const ID = "appointment-1";
const START_MS = Date.UTC(2021, 3, 22, 11, 30);
const AT_MS = Date.UTC(2021, 3, 1);
const NOW = Temporal.Instant.fromEpochMilliseconds(AT_MS);

/** A record as a store answers for user 1: valid, unless a case breaks it. */
function validRecord(overrides: Partial<Record<keyof AppointmentRecord, unknown>> = {}): AppointmentRecord {
  return {
    id: ID,
    userId: "1",
    status: "booked",
    startMs: START_MS,
    endMs: START_MS + 30 * 60_000,
    localStartMs: START_MS,
    localEndMs: START_MS + 30 * 60_000,
    version: 1,
    createdAtMs: AT_MS,
    updatedAtMs: AT_MS,
    cancelledAtMs: null,
    cancellationReason: null,
    previousTimes: [],
    metadata: null,
    ...overrides,
  } as AppointmentRecord;
}

function validEvent(record: unknown): ChangeRecord {
  return {
    position: "1",
    type: "booked",
    record: record as AppointmentRecord,
    previous: null,
    idempotencyKey: null,
    atMs: AT_MS,
  };
}

type Operation = "book" | "list" | "get" | "cancel" | "reschedule" | "availability" | "changes";

/**
 * A scheduler whose store answers `answer` (a record, as each method wraps it, or the whole answer) to the
 * operation's store call, and the call itself.
 */
function over(store: Partial<AppointmentStore>): Scheduler {
  return createScheduler({
    store: storeOver(store),
    generateId: () => ID,
    now: settableClock("2021-04-01T00:00:00Z").now,
    policy: { limit: { max: 100, per: "day" } },
  });
}

/** The operation, against a store that answers `record` where its answer carries a record. */
function withRecord(operation: Operation, record: unknown): Promise<unknown> {
  const written = async () => ({ status: "written", record, replayed: false }) as WriteResult;
  switch (operation) {
    case "book":
      return over({ write: written }).book(1, "2021-04-22 11:30");
    case "cancel":
      return over({ write: written }).cancel(1, ID);
    case "reschedule":
      return over({ write: written }).reschedule(1, ID, "2021-04-22 12:00");
    case "list":
      return over({ listAppointments: async () => [validRecord(), record] as AppointmentRecord[] }).list(1);
    case "availability":
      return over({ listAppointments: async () => [record] as AppointmentRecord[] }).availability(1, "2021-04-22");
    case "get":
      return over({ getAppointment: async () => record as AppointmentRecord }).get(1, ID);
    case "changes":
      return over({ readChanges: async () => [validEvent(record)] }).changes({ userId: 1 });
  }
}

const OPERATIONS: Operation[] = ["book", "list", "get", "cancel", "reschedule", "availability", "changes"];
const WRITES = new Set<Operation>(["book", "cancel", "reschedule"]);

/** The code a bad answer to `operation` must give. */
const codeOf = (operation: Operation) => (WRITES.has(operation) ? "OUTCOME_UNKNOWN" : "STORE_UNAVAILABLE");

const TIME_FIELDS = ["startMs", "endMs", "localStartMs", "localEndMs", "createdAtMs", "updatedAtMs"] as const;

/** Values no time of a record may have: not integers of milliseconds that Temporal can hold. */
const badTime = fc.constantFrom<unknown>(
  undefined,
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e300,
  -1e300,
  8.64e15 + 1,
  START_MS + 0.5,
  String(START_MS),
  BigInt(START_MS),
  {},
);

/**
 * Hostile records, made afresh inside each run by name: fast-check inspects the values it generates, which
 * a revoked Proxy would not survive.
 */
const HOSTILE: Record<string, () => unknown> = {
  "a revoked Proxy": () => {
    const { proxy, revoke } = Proxy.revocable(validRecord(), {});
    revoke();
    return proxy;
  },
  "a Proxy whose traps throw": () =>
    new Proxy(validRecord(), {
      get: () => {
        throw new Error("trap");
      },
    }),
  "a record whose startMs getter throws": () =>
    Object.defineProperty(validRecord(), "startMs", {
      get: () => {
        throw new Error("getter");
      },
    }),
};

/** A record broken in one way the contract rules out, described for fast-check and made by `make`. */
type Broken = { readonly field: string; readonly value: unknown } | { readonly hostile: string };

const broken: fc.Arbitrary<Broken> = fc.oneof(
  fc.record({ field: fc.constantFrom(...TIME_FIELDS), value: badTime }),
  fc.record({ field: fc.constant("id"), value: fc.constantFrom<unknown>(undefined, null, "", 42, {}) }),
  fc.record({
    field: fc.constant("userId"),
    value: fc.constantFrom<unknown>(undefined, null, "2", "", 1, " 1", "1 "),
  }),
  fc.record({
    field: fc.constant("status"),
    value: fc.constantFrom<unknown>(undefined, null, "deleted", "BOOKED", "", 1),
  }),
  fc.record({
    field: fc.constant("version"),
    value: fc.constantFrom<unknown>(undefined, null, 0, -1, 1.5, Number.NaN, "1", 2 ** 53),
  }),
  fc.record({
    field: fc.constant("cancelledAtMs"),
    value: fc.constantFrom<unknown>(undefined, AT_MS, Number.NaN, 0, "x"),
  }),
  fc.record({ field: fc.constant("cancellationReason"), value: fc.constantFrom<unknown>(undefined, 5, {}, []) }),
  fc.record({
    field: fc.constant("previousTimes"),
    value: fc.constantFrom<unknown>(
      undefined,
      null,
      {},
      "[]",
      [null],
      [{ startMs: START_MS, endMs: START_MS + 1 }],
      [{ startMs: Number.NaN, endMs: START_MS, movedAtMs: AT_MS }],
      [{ startMs: START_MS, endMs: 1e300, movedAtMs: AT_MS }],
    ),
  }),
  fc.record({ field: fc.constant("metadata"), value: fc.constantFrom<unknown>(undefined, [], 5, "x", true) }),
  fc.record({ field: fc.constant("whole record"), value: fc.constantFrom<unknown>(undefined, null, 5, "x", [], true) }),
  fc.record({ hostile: fc.constantFrom(...Object.keys(HOSTILE)) }),
);

function make(described: Broken): unknown {
  if ("hostile" in described) return (HOSTILE[described.hostile] as () => unknown)();
  if (described.field === "whole record") return described.value;
  const record: Record<string, unknown> = { ...validRecord() };
  if (described.value === undefined) delete record[described.field];
  else record[described.field] = described.value;
  return record;
}

describe("records a store answers", () => {
  it.each(OPERATIONS)("are accepted by %s when valid", async (operation) => {
    await expect(withRecord(operation, validRecord())).resolves.toBeDefined();
  });

  it("accepts a moved record and a cancelled one", async () => {
    const moved = validRecord({
      version: 2,
      previousTimes: [{ startMs: START_MS - 3_600_000, endMs: START_MS - 1_800_000, movedAtMs: AT_MS }],
    });
    const cancelled = validRecord({ status: "cancelled", cancelledAtMs: AT_MS, cancellationReason: "ill", version: 2 });
    const scheduler = over({ listAppointments: async () => [moved, cancelled] });
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toHaveLength(2);
  });

  it("outside the contract give a typed error from every operation, never a raw one (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPERATIONS), broken, async (operation, described) => {
        // `null` from getAppointment is "not found", within the contract.
        fc.pre(!(operation === "get" && "value" in described && described.value === null));
        const error = await rejection(withRecord(operation, make(described)));
        expect(error.code, `${operation}: ${error.message}`).toBe(codeOf(operation));
      }),
      { numRuns: 400 },
    );
  });

  it("of another user, or of another id, are STORE_UNAVAILABLE for a read and OUTCOME_UNKNOWN for a write", async () => {
    const theirs = validRecord({ userId: "2" });
    for (const operation of OPERATIONS) await expectCode(withRecord(operation, theirs), codeOf(operation));
    const other = validRecord({ id: "appointment-2" });
    for (const operation of ["book", "cancel", "reschedule", "get"] as const) {
      await expectCode(withRecord(operation, other), codeOf(operation));
    }
  });

  it("say what was wrong, and keep the key to retry a write with", async () => {
    const scheduler = over({
      write: async () => ({ status: "written", record: validRecord({ startMs: 1e300 }), replayed: false }),
      listAppointments: async () => [validRecord({ status: "deleted" })],
    });
    const write = await expectCode(scheduler.book(1, "2021-04-22 11:30", { idempotencyKey: "k" }), "OUTCOME_UNKNOWN");
    expect(write).toMatchObject({ idempotencyKey: "k" });
    expect((write.cause as Error).message).toMatch(/outside its contract: a record whose startMs/);
    const read = await expectCode(scheduler.list(1), "STORE_UNAVAILABLE");
    expect(read.message).toMatch(/outside its contract: a record of an unknown status/);
  });

  it("cancelled in a list of booked ones is STORE_UNAVAILABLE", async () => {
    const cancelled = validRecord({ status: "cancelled", cancelledAtMs: AT_MS, version: 2 });
    await expectCode(over({ listAppointments: async () => [cancelled] }).list(1), "STORE_UNAVAILABLE");
  });
});

describe("answers that are not what the method returns", () => {
  const notArrays: unknown[] = [undefined, null, {}, "[]", 5, { length: 1, 0: validRecord() }];

  it.each(notArrays)("a list of %j is STORE_UNAVAILABLE for list and availability", async (answer) => {
    const scheduler = over({ listAppointments: async () => answer as AppointmentRecord[] });
    await expectCode(scheduler.list(1), "STORE_UNAVAILABLE");
    await expectCode(scheduler.availability(1, "2021-04-22"), "STORE_UNAVAILABLE");
  });

  it.each(notArrays)("a page of events of %j is STORE_UNAVAILABLE", async (answer) => {
    await expectCode(over({ readChanges: async () => answer as ChangeRecord[] }).changes(), "STORE_UNAVAILABLE");
  });

  it.each([undefined, 5, "x", false])("a record of %j from getAppointment is STORE_UNAVAILABLE", async (answer) => {
    const scheduler = over({ getAppointment: async () => answer as unknown as AppointmentRecord });
    await expectCode(scheduler.get(1, ID), "STORE_UNAVAILABLE");
  });

  it.each([undefined, -1, 1.5, Number.NaN, "3", 2 ** 53])(
    "a count of %j from purgeExpired is STORE_UNAVAILABLE",
    async (answer) => {
      await expectCode(over({ purgeExpired: async () => answer as number }).purgeExpired(), "STORE_UNAVAILABLE");
    },
  );

  it("null from getAppointment is no appointment", async () => {
    await expect(over({ getAppointment: async () => null }).get(1, ID)).resolves.toBeNull();
  });

  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a string", "written"],
    ["no status", { record: validRecord() }],
    ["an unknown status", { status: "committed", record: validRecord() }],
    ["written without a record", { status: "written", replayed: false }],
    ["limit-reached without a conflicting record", { status: "limit-reached", replayed: false }],
    ["overlap with a record of another user", { status: "overlap", conflicting: validRecord({ userId: "2" }) }],
    ["not-booked for a booking", { status: "not-booked", record: validRecord(), replayed: false }],
    ["not-found for a booking", { status: "not-found", replayed: false }],
    ["key-reused for a write without a key", { status: "key-reused" }],
  ])("a write answer of %s is OUTCOME_UNKNOWN for a booking", async (_, answer) => {
    const scheduler = over({ write: async () => answer as WriteResult });
    await expectCode(scheduler.book(1, "2021-04-22 11:30"), "OUTCOME_UNKNOWN");
  });

  it.each<[string, unknown]>([
    ["id-taken", { status: "id-taken", replayed: false }],
    ["not-booked with a record of another appointment", { status: "not-booked", record: validRecord({ id: "x" }) }],
    ["limit-reached", { status: "limit-reached", conflicting: validRecord(), replayed: false }],
  ])("a write answer of %s is OUTCOME_UNKNOWN for a cancel", async (_, answer) => {
    const scheduler = over({ write: async () => answer as WriteResult });
    await expectCode(scheduler.cancel(1, ID), "OUTCOME_UNKNOWN");
  });

  it.each<[string, Partial<Record<keyof ChangeRecord, unknown>>]>([
    ["an empty position", { position: "" }],
    ["a position of 256 characters", { position: "9".repeat(256) }],
    ["a numeric position", { position: 1 }],
    ["an unknown type", { type: "moved" }],
    ["previous times that are not numbers", { previous: { startMs: "a", endMs: START_MS } }],
    ["previous of the wrong type", { previous: 5 }],
    ["a numeric idempotency key", { idempotencyKey: 7 }],
    ["an atMs of NaN", { atMs: Number.NaN }],
    ["no record", { record: undefined }],
  ])("an event with %s is STORE_UNAVAILABLE", async (_, overrides) => {
    const event = { ...validEvent(validRecord()), ...overrides } as ChangeRecord;
    await expectCode(over({ readChanges: async () => [event] }).changes(), "STORE_UNAVAILABLE");
  });

  it("an event of another user than the one asked for is STORE_UNAVAILABLE", async () => {
    const scheduler = over({ readChanges: async () => [validEvent(validRecord({ userId: "2" }))] });
    await expect(scheduler.changes()).resolves.toMatchObject({ changes: [{ appointment: { userId: "2" } }] });
    await expectCode(scheduler.changes({ userId: 1 }), "STORE_UNAVAILABLE");
  });
});

describe("the records availability counts", () => {
  it("are those that hold their periods: a record cancelled before its start is STORE_UNAVAILABLE", async () => {
    const noShow = validRecord({ status: "cancelled", cancelledAtMs: START_MS + 60_000, version: 2 });
    const early = validRecord({ status: "cancelled", cancelledAtMs: AT_MS, version: 2 });
    // The seed's rule, one per day: the no-show holds the day.
    const onePerDay = (records: AppointmentRecord[]) =>
      createScheduler({ store: storeOver({ listAppointments: async () => records }), now: () => NOW });
    expect(await onePerDay([noShow]).availability(1, "2021-04-22")).toEqual([]);
    await expectCode(onePerDay([early]).availability(1, "2021-04-22"), "STORE_UNAVAILABLE");
  });
});

describe("records given to the HTTP layer's presenters", () => {
  // appointment-scheduler/http takes the stored records themselves (no Appointment built): checked alike.
  const quiet = { onServerError: () => {} };

  it("a bad list is 503 STORE_UNAVAILABLE, a bad booking answer 504 OUTCOME_UNKNOWN, never a 500", async () => {
    const api = createAppointmentsHttpApi(
      over({
        listAppointments: async () => [validRecord({ startMs: Number.NaN })],
        write: async () => ({ status: "written", record: validRecord({ endMs: 1e300 }), replayed: false }),
      }),
      quiet,
    );
    const list = await api.list("1");
    expect(list).toMatchObject({ status: 503, body: { code: "STORE_UNAVAILABLE" } });
    const book = await api.book("1", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appointment: "2021-04-22 11:30" }),
    });
    expect(book).toMatchObject({ status: 504, body: { code: "OUTCOME_UNKNOWN" } });
  });
});

describe("the stores of the package", () => {
  it("answer within the contract through every operation", async () => {
    const scheduler = createScheduler({ store: new MemoryStore(), now: settableClock("2021-04-01T00:00:00Z").now });
    const booked = await scheduler.book(1, "2021-04-22 11:30", { metadata: { room: "B" }, idempotencyKey: "a" });
    await scheduler.reschedule(1, booked.id, "2021-04-23 11:30");
    await scheduler.cancel(1, booked.id, { reason: "ill" });
    await scheduler.book(1, "2021-04-22 11:30");
    expect((await scheduler.list(1, undefined, { status: "all" })).appointments).toHaveLength(2);
    expect(await scheduler.get(1, booked.id)).toMatchObject({ status: "cancelled", version: 3 });
    expect(await scheduler.availability(1, "2021-04-23")).toHaveLength(48);
    expect((await scheduler.changes()).changes).toHaveLength(4);
    const error = await rejection(scheduler.book(1, "2021-04-22 12:00"));
    expect(isSchedulerError(error, "LIMIT_REACHED")).toBe(true);
  });
});
