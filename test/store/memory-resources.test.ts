/**
 * MemoryStore's bookable resources: the capacity check of a write across users, its place in the order of
 * checks, a move's `expectedVersion`, the per-resource index behind `listResourceAppointments`, and a
 * property over random books, moves and cancels that the store never lets a resource hold more than its
 * capacity and never refuses a claim that `resourceConflict` over all records would accept.
 */
import { MemoryStore } from "appointment-scheduler";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  AppointmentRecord,
  AppointmentTimes,
  Occupancy,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "../../src/store/appointment-store.js";
import { compareResourceRecords, resourceConflict } from "../../src/store/resource-capacity.js";

const MINUTE = 60_000;
const T0 = Date.UTC(2021, 3, 22, 9);
const EVERYWHERE = { fromMs: 0, toMs: Date.UTC(9999, 0, 1) };
const FREE: Occupancy = {
  periods: [],
  limit: 1,
  noOverlap: false,
  candidatesStartWithin: EVERYWHERE,
  candidatesEndWithin: EVERYWHERE,
};

/** Times from minute `from` to minute `to` after T0 (UTC). */
function times(from: number, to: number): AppointmentTimes {
  const startMs = T0 + from * MINUTE;
  const endMs = T0 + to * MINUTE;
  return { startMs, endMs, localStartMs: startMs, localEndMs: endMs };
}

/** A claim of `resourceId` from minute `from` to minute `to` after T0. */
function claimOf(resourceId: string, from: number, to: number, capacity = 1): ResourceClaim {
  return {
    resourceId,
    fromMs: T0 + from * MINUTE,
    toMs: T0 + to * MINUTE,
    capacity,
    candidatesStartWithin: EVERYWHERE,
  };
}

interface ChangeOptions {
  readonly occupancy?: Occupancy;
  readonly key?: string;
  readonly appointmentType?: string | null;
  readonly expectedVersion?: number | null | undefined;
  readonly earliestStartMs?: number | null;
}

function envelope(options: ChangeOptions): Pick<WriteRequest, "atMs" | "changeExpiresAtMs" | "idempotency"> {
  return {
    atMs: T0 - 60 * MINUTE,
    changeExpiresAtMs: EVERYWHERE.toMs,
    idempotency: options.key ? { key: options.key, fingerprint: "fp", expiresAtMs: EVERYWHERE.toMs } : undefined,
  };
}

/** A booking of `[from, to)` minutes with the claim (its span the same minutes unless given). */
function book(
  userId: string,
  id: string,
  resource: ResourceClaim | null,
  at: readonly [number, number] = resource ? minutesOf(resource) : [0, 30],
  options: ChangeOptions = {},
): WriteRequest {
  return {
    userId,
    change: {
      type: "book",
      id,
      times: times(...at),
      metadata: null,
      occupancy: options.occupancy ?? FREE,
      resource,
      appointmentType: options.appointmentType,
    },
    ...envelope(options),
  };
}

function move(
  userId: string,
  id: string,
  resource: ResourceClaim | null,
  at: readonly [number, number] = resource ? minutesOf(resource) : [0, 30],
  options: ChangeOptions = {},
): WriteRequest {
  return {
    userId,
    change: {
      type: "move",
      id,
      times: times(...at),
      occupancy: options.occupancy ?? FREE,
      earliestStartMs: options.earliestStartMs ?? null,
      resource,
      expectedVersion: options.expectedVersion,
    },
    ...envelope(options),
  };
}

function cancel(userId: string, id: string, options: ChangeOptions = {}): WriteRequest {
  return {
    userId,
    change: { type: "cancel", id, reason: null, earliestStartMs: options.earliestStartMs ?? null },
    ...envelope(options),
  };
}

function minutesOf(claim: ResourceClaim): [number, number] {
  return [(claim.fromMs - T0) / MINUTE, (claim.toMs - T0) / MINUTE];
}

function written(result: WriteResult): AppointmentRecord {
  if (result.status !== "written") throw new Error(`expected written, got ${JSON.stringify(result)}`);
  return result.record;
}

const ids = (records: readonly AppointmentRecord[]) => records.map((record) => `${record.userId}/${record.id}`);

describe("MemoryStore: a write's resource claim", () => {
  it("keeps the span (not the claim's check parameters) and the appointment type on the record, frozen", async () => {
    const store = new MemoryStore();
    const record = written(
      await store.write(book("u1", "a", claimOf("room", -10, 40), [0, 30], { appointmentType: "x" })),
    );
    expect(record.resource).toEqual({ resourceId: "room", fromMs: T0 - 10 * MINUTE, toMs: T0 + 40 * MINUTE });
    expect(record.appointmentType).toBe("x");
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.resource)).toBe(true);
    const plain = written(await store.write(book("u1", "b", null, [60, 90])));
    expect(plain.resource).toBeNull();
    expect(plain.appointmentType).toBeNull();
  });

  it("refuses a claim another user's record fills, naming it; touching spans and other resources fit", async () => {
    const store = new MemoryStore();
    const first = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const refused = await store.write(book("u2", "b", claimOf("dr", 20, 50)));
    expect(refused).toEqual({ status: "resource-full", conflicting: first, replayed: false });
    expect(await store.getAppointment("u2", "b")).toBeNull();
    expect(await store.readChanges({ limit: 10 })).toHaveLength(1);
    written(await store.write(book("u2", "b", claimOf("dr", 30, 60))));
    written(await store.write(book("u2", "c", claimOf("other", 0, 30))));
    written(await store.write(book("u3", "d", null, [0, 30])));
  });

  it("counts up to the capacity, and names the earliest record (span start, user, id) at the first full one", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u3", "late", claimOf("room", 50, 70, 2))));
    written(await store.write(book("u2", "z", claimOf("room", 10, 60, 2))));
    written(await store.write(book("u1", "y", claimOf("room", 10, 20, 2))));
    // Full at minute 10 (u1/y and u2/z, both starting then): u1 first. Full again at 50, but 10 comes first.
    const refused = await store.write(book("u4", "new", claimOf("room", 0, 80, 2)));
    expect(refused.status).toBe("resource-full");
    expect(refused.status === "resource-full" && `${refused.conflicting.userId}/${refused.conflicting.id}`).toBe(
      "u1/y",
    );
    // Minutes 20 to 50 hold only u2/z: room for one more.
    written(await store.write(book("u4", "fits", claimOf("room", 20, 50, 2))));
  });

  it("checks the claim after the user's own occupancy: limit-reached and overlap come first", async () => {
    const store = new MemoryStore();
    const mine = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const overlapping = { ...FREE, noOverlap: true };
    expect(await store.write(book("u1", "b", claimOf("dr", 0, 30), [0, 30], { occupancy: overlapping }))).toEqual({
      status: "overlap",
      conflicting: mine,
      replayed: false,
    });
    const limited = { ...FREE, periods: [{ fromMs: T0 - MINUTE, toMs: T0 + 60 * MINUTE }], limit: 1 };
    expect((await store.write(book("u1", "b", claimOf("dr", 0, 30), [0, 30], { occupancy: limited }))).status).toBe(
      "limit-reached",
    );
    // The same id taken is answered before any of it.
    expect(await store.write(book("u1", "a", claimOf("dr", 0, 30)))).toEqual({ status: "id-taken", replayed: false });
  });

  it("frees the resource when its record is cancelled", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    expect((await store.write(book("u2", "b", claimOf("dr", 0, 30)))).status).toBe("resource-full");
    written(await store.write(cancel("u1", "a")));
    written(await store.write(book("u2", "b", claimOf("dr", 0, 30))));
    expect(ids(await store.listResourceAppointments("dr", {}))).toEqual(["u2/b"]);
  });

  it("does not count a moved record against its own move, and frees what it leaves", async () => {
    const store = new MemoryStore();
    const booked = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const moved = written(await store.write(move("u1", "a", claimOf("dr", 15, 45))));
    expect(moved.resource).toEqual({ resourceId: "dr", fromMs: T0 + 15 * MINUTE, toMs: T0 + 45 * MINUTE });
    expect(moved.previousTimes).toEqual([
      { startMs: booked.startMs, endMs: booked.endMs, movedAtMs: T0 - 60 * MINUTE },
    ]);
    expect(Object.isFrozen(moved.resource)).toBe(true);
    // Minutes 0 to 15 are free again; 15 to 45 are not.
    written(await store.write(book("u2", "b", claimOf("dr", 0, 15))));
    expect((await store.write(book("u2", "c", claimOf("dr", 40, 50)))).status).toBe("resource-full");
    // To another resource: the first is free where it was.
    const elsewhere = written(await store.write(move("u1", "a", claimOf("room", 15, 45))));
    expect(elsewhere.resource?.resourceId).toBe("room");
    written(await store.write(book("u2", "c", claimOf("dr", 40, 50))));
    // Without a claim, the record occupies no resource.
    const none = written(await store.write(move("u1", "a", null, [15, 45])));
    expect(none.resource).toBeNull();
    expect(await store.listResourceAppointments("room", {})).toEqual([]);
  });

  it("refuses a move into a full resource and leaves the record where it was", async () => {
    const store = new MemoryStore();
    const other = written(await store.write(book("u2", "b", claimOf("dr", 60, 90))));
    const mine = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    expect(await store.write(move("u1", "a", claimOf("dr", 70, 100)))).toEqual({
      status: "resource-full",
      conflicting: other,
      replayed: false,
    });
    expect(await store.getAppointment("u1", "a")).toBe(mine);
    expect(ids(await store.listResourceAppointments("dr", {}))).toEqual(["u1/a", "u2/b"]);
  });

  it("keeps resource-full and stale under the idempotency key, also once they no longer hold", async () => {
    const store = new MemoryStore();
    const first = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const full = await store.write(book("u2", "b", claimOf("dr", 0, 30), undefined, { key: "k" }));
    expect(full).toEqual({ status: "resource-full", conflicting: first, replayed: false });
    const stale = await store.write(move("u1", "a", claimOf("dr", 0, 30), undefined, { key: "s", expectedVersion: 7 }));
    expect(stale).toEqual({ status: "stale", record: first, replayed: false });
    written(await store.write(cancel("u1", "a")));
    expect(await store.write(book("u2", "b", claimOf("dr", 0, 30), undefined, { key: "k" }))).toEqual({
      ...full,
      replayed: true,
    });
    expect(
      await store.write(move("u1", "a", claimOf("dr", 0, 30), undefined, { key: "s", expectedVersion: 7 })),
    ).toEqual({ ...stale, replayed: true });
  });
});

describe("MemoryStore: a move's expectedVersion", () => {
  it("refuses another version with stale and the current record, and writes nothing", async () => {
    const store = new MemoryStore();
    const record = written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const result = await store.write(move("u1", "a", claimOf("dr", 60, 90), undefined, { expectedVersion: 2 }));
    expect(result).toEqual({ status: "stale", record, replayed: false });
    expect(await store.getAppointment("u1", "a")).toBe(record);
    expect(await store.readChanges({ limit: 10 })).toHaveLength(1);
  });

  it("writes the move when the version is the record's, or when none is given", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    expect(
      written(await store.write(move("u1", "a", claimOf("dr", 60, 90), undefined, { expectedVersion: 1 }))).version,
    ).toBe(2);
    expect(
      written(await store.write(move("u1", "a", claimOf("dr", 0, 30), undefined, { expectedVersion: null }))).version,
    ).toBe(3);
    expect(written(await store.write(move("u1", "a", claimOf("dr", 60, 90)))).version).toBe(4);
  });

  it("comes after not-found, not-booked and too-late, and before the occupancy and the resource", async () => {
    const store = new MemoryStore();
    expect(await store.write(move("u1", "a", null, [0, 30], { expectedVersion: 5 }))).toEqual({
      status: "not-found",
      replayed: false,
    });
    written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const tooLate = await store.write(move("u1", "a", null, [0, 30], { expectedVersion: 5, earliestStartMs: T0 + 1 }));
    expect(tooLate.status).toBe("too-late");
    written(await store.write(book("u2", "b", claimOf("dr", 60, 90))));
    written(await store.write(book("u1", "c", null, [60, 90])));
    // Would be an overlap and a full resource, but the version answers first.
    const occupancy = { ...FREE, noOverlap: true };
    const stale = await store.write(
      move("u1", "a", claimOf("dr", 60, 90), [60, 90], { expectedVersion: 5, occupancy }),
    );
    expect(stale.status).toBe("stale");
    written(await store.write(cancel("u1", "a")));
    expect((await store.write(move("u1", "a", null, [0, 30], { expectedVersion: 5 }))).status).toBe("not-booked");
  });
});

describe("MemoryStore.listResourceAppointments", () => {
  it("lists the booked records of every user whose span overlaps the range, by span start, user, id", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u2", "b", claimOf("dr", 0, 30, 3))));
    written(await store.write(book("u1", "z", claimOf("dr", 0, 30, 3))));
    written(await store.write(book("u1", "a", claimOf("dr", 0, 30, 3))));
    written(await store.write(book("u1", "late", claimOf("dr", 100, 130, 3))));
    written(await store.write(book("u3", "gone", claimOf("dr", 40, 50, 3))));
    written(await store.write(cancel("u3", "gone")));
    written(await store.write(book("u3", "elsewhere", claimOf("room", 0, 30))));
    expect(ids(await store.listResourceAppointments("dr", {}))).toEqual(["u1/a", "u1/z", "u2/b", "u1/late"]);
    expect(ids(await store.listResourceAppointments("dr", { limit: 2 }))).toEqual(["u1/a", "u1/z"]);
    // Touching is not overlapping: a span ending at fromMs, or starting at toMs, is left out.
    expect(ids(await store.listResourceAppointments("dr", { fromMs: T0 + 30 * MINUTE }))).toEqual(["u1/late"]);
    expect(ids(await store.listResourceAppointments("dr", { toMs: T0 + 100 * MINUTE }))).toEqual([
      "u1/a",
      "u1/z",
      "u2/b",
    ]);
    expect(
      ids(await store.listResourceAppointments("dr", { fromMs: T0 + 29 * MINUTE, toMs: T0 + 101 * MINUTE, limit: 3 })),
    ).toEqual(["u1/a", "u1/z", "u2/b"]);
    expect(await store.listResourceAppointments("dr", { fromMs: T0 + 30 * MINUTE, toMs: T0 + 100 * MINUTE })).toEqual(
      [],
    );
    expect(await store.listResourceAppointments("nobody", {})).toEqual([]);
  });

  it("finds a long span that started well before the range among many short ones", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u1", "day", claimOf("room", 0, 24 * 60, 2))));
    for (let i = 0; i < 40; i++)
      written(await store.write(book("u2", `s${i}`, claimOf("room", i * 30, i * 30 + 20, 2))));
    const found = await store.listResourceAppointments("room", { fromMs: T0 + 600 * MINUTE, toMs: T0 + 610 * MINUTE });
    expect(ids(found)).toEqual(["u1/day", "u2/s20"]);
  });

  it("answers a fresh array each time", async () => {
    const store = new MemoryStore();
    written(await store.write(book("u1", "a", claimOf("dr", 0, 30))));
    const list = await store.listResourceAppointments("dr", {});
    list.pop();
    expect(await store.listResourceAppointments("dr", {})).toHaveLength(1);
  });
});

/** One step of the property: what to do, with small numbers that collide often. */
type Step =
  | { kind: "book"; user: number; id: number; resource: number | null; from: number; length: number }
  | {
      kind: "move";
      user: number;
      id: number;
      resource: number | null;
      from: number;
      length: number;
      version: "none" | "current" | "other";
    }
  | { kind: "cancel"; user: number; id: number };

const USERS = 3;
const IDS = 4;
const RESOURCES = 2;
const user = fc.integer({ min: 0, max: USERS - 1 });
const id = fc.integer({ min: 0, max: IDS - 1 });
const resource = fc.option(fc.integer({ min: 0, max: RESOURCES - 1 }), { freq: 5 });
const from = fc.integer({ min: 0, max: 20 });
const length = fc.integer({ min: 1, max: 8 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("book" as const), user, id, resource, from, length }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("move" as const),
      user,
      id,
      resource,
      from,
      length,
      version: fc.constantFrom("none" as const, "current" as const, "other" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), user, id }) },
);

describe("MemoryStore: resource capacity under random changes", () => {
  it("never exceeds the capacity at any instant, and refuses a claim exactly when resourceConflict does", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: RESOURCES, maxLength: RESOURCES }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        async (capacities, steps) => {
          const store = new MemoryStore();
          /** Every record the store wrote, by `user/id`: the model that the store's answers are checked against. */
          const model = new Map<string, AppointmentRecord>();
          const claimFor = (r: number | null, fromMinute: number, minutes: number) =>
            r === null ? null : claimOf(`r${r}`, fromMinute, fromMinute + minutes, capacities[r] as number);

          for (const s of steps) {
            const userId = `u${s.user}`;
            const key = `${userId}/a${s.id}`;
            const current = model.get(key);
            let request: WriteRequest;
            let claim: ResourceClaim | null = null;
            if (s.kind === "cancel") request = cancel(userId, `a${s.id}`);
            else {
              claim = claimFor(s.resource, s.from, s.length);
              // The appointment itself lies inside its span (buffers around it), or anywhere without a resource.
              const at = [s.from, s.from + s.length] as const;
              if (s.kind === "book") request = book(userId, `a${s.id}`, claim, at);
              else {
                const expectedVersion =
                  s.version === "none" ? undefined : (current?.version ?? 1) + (s.version === "other" ? 1 : 0);
                request = move(userId, `a${s.id}`, claim, at, { expectedVersion });
              }
            }

            const result = await store.write(request);

            // What the contract says the answer must be, from the model.
            if (s.kind === "book" && current) expect(result.status).toBe("id-taken");
            else if (s.kind !== "book" && !current) expect(result.status).toBe("not-found");
            else if (s.kind !== "book" && current?.status === "cancelled") expect(result.status).toBe("not-booked");
            else if (s.kind === "move" && s.version === "other") {
              expect(result).toEqual({ status: "stale", record: current, replayed: false });
            } else {
              const others = [...model.values()].filter((record) => record !== current);
              const conflicting =
                claim && s.kind !== "cancel" ? resourceConflict(others, claim, request.atMs) : undefined;
              if (conflicting) expect(result).toEqual({ status: "resource-full", conflicting, replayed: false });
              else expect(result.status).toBe("written");
            }
            if (result.status === "written") model.set(key, result.record);

            // No instant of any resource holds more than its capacity: the count only rises at a span's start.
            const booked = [...model.values()].filter((record) => record.status === "booked" && record.resource);
            for (const record of booked) {
              const span = record.resource as NonNullable<AppointmentRecord["resource"]>;
              const at = booked.filter(
                (other) =>
                  other.resource?.resourceId === span.resourceId &&
                  other.resource.fromMs <= span.fromMs &&
                  other.resource.toMs > span.fromMs,
              );
              expect(at.length).toBeLessThanOrEqual(capacities[Number(span.resourceId.slice(1))] as number);
            }
          }

          // The index agrees with the model: whole lists, and a range.
          for (let r = 0; r < RESOURCES; r++) {
            const ofResource = [...model.values()]
              .filter((record) => record.status === "booked" && record.resource?.resourceId === `r${r}`)
              .sort(compareResourceRecords);
            expect(await store.listResourceAppointments(`r${r}`, {})).toEqual(ofResource);
            const fromMs = T0 + 5 * MINUTE;
            const toMs = T0 + 12 * MINUTE;
            expect(await store.listResourceAppointments(`r${r}`, { fromMs, toMs, limit: 3 })).toEqual(
              ofResource
                .filter((record) => (record.resource?.toMs ?? 0) > fromMs && (record.resource?.fromMs ?? 0) < toMs)
                .slice(0, 3),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
