/**
 * Resources at random: sequences of books, holds, confirms, releases, moves, cancels, purges and steps of the
 * clock of three users on two resources (capacities 1 and 2) with random spans, buffers and choices of
 * either resource, each answer compared with {@link ContractModel}; and races of users booking, holding and
 * cancelling on one or two resources at once under fast-check's scheduler, which must never leave an instant
 * over capacity.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import type {
  AppointmentRecord,
  MsRange,
  ResourceChoice,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { ContractModel } from "./contract-model.js";
import { scheduledStore } from "./race-cases.js";
import { plainRecord, plainResult } from "./records.js";
import {
  bookRequest,
  cancelRequest,
  confirmRequest,
  holdRequest,
  MINUTE,
  moveRequest,
  releaseRequest,
  resourceClaim,
} from "./requests.js";

/** The grid of the model's times: appointments, buffers and list bounds are whole units from BASE. */
const UNIT = 15 * MINUTE;
const BASE = Date.UTC(2021, 3, 27, 8);
const at = (units: number) => BASE + units * UNIT;
const SLOTS = 8;
/** The capacities of the two resources. */
const CAPACITIES = [1, 2] as const;

/** Where a book or move lies, and what it claims. */
interface Placement {
  readonly slot: number;
  readonly length: number;
  /** Buffers, in units. */
  readonly before: number;
  readonly after: number;
  /**
   * Which resource (0: capacity 1, 1: capacity 2), none, or a choice of both in either order (a book's or
   * hold's only: a move claims the first of them).
   */
  readonly resource: 0 | 1 | null | "0|1" | "1|0";
  /** The claim's candidates window: exact (from the model) or everywhere. */
  readonly window: "exact" | "everywhere";
  /** With `noOverlap`, the user's own overlap comes first. */
  readonly noOverlap: boolean;
}

type Operation =
  | { readonly kind: "book"; readonly user: number; readonly placement: Placement; readonly type: string | null }
  | {
      readonly kind: "hold";
      readonly user: number;
      readonly placement: Placement;
      /** Minutes until the hold expires: the clock steps a minute per operation. */
      readonly ttl: number;
    }
  | { readonly kind: "confirm"; readonly pick: number; readonly foreign: boolean }
  | { readonly kind: "release"; readonly pick: number; readonly foreign: boolean }
  /** The clock jumps ahead by these minutes (holds expire); with `purge`, purgeExpired runs at the new time. */
  | { readonly kind: "wait"; readonly minutes: number; readonly purge: boolean }
  | {
      readonly kind: "move";
      /** Which record of all three users', asked for by its owner, or by the next user (not-found). */
      readonly pick: number;
      readonly foreign: boolean;
      readonly placement: Placement;
      /** The move's expectedVersion: none, the record's own, or another. */
      readonly version: "none" | "current" | "other";
    }
  | { readonly kind: "cancel"; readonly pick: number; readonly foreign: boolean }
  | {
      readonly kind: "list";
      readonly resource: 0 | 1;
      readonly from: number | null;
      readonly to: number | null;
      readonly limit: number | null;
    };

const placement: fc.Arbitrary<Placement> = fc.record({
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
  length: fc.integer({ min: 1, max: 4 }),
  before: fc.constantFrom(0, 0, 1, 2),
  after: fc.constantFrom(0, 0, 1, 2),
  resource: fc.constantFrom<Placement["resource"]>(0, 1, 1, null, "0|1", "1|0"),
  window: fc.constantFrom<"exact" | "everywhere">("exact", "everywhere"),
  noOverlap: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
});

const user = fc.integer({ min: 0, max: 2 });
const foreign = fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 });
const bound = fc.option(fc.integer({ min: -3, max: SLOTS + 6 }), { freq: 2 });

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant("book" as const), user, placement, type: fc.constantFrom(null, "x") }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("move" as const),
      pick: fc.nat(),
      foreign,
      placement,
      version: fc.constantFrom<"none" | "current" | "other">("none", "current", "current", "other"),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat(), foreign }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant("hold" as const), user, placement, ttl: fc.integer({ min: 1, max: 6 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("confirm" as const), pick: fc.nat(), foreign }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat(), foreign }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      minutes: fc.integer({ min: 1, max: 5 }),
      purge: fc.boolean(),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("list" as const),
      resource: fc.constantFrom<0 | 1>(0, 1),
      from: bound,
      to: bound,
      limit: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 3 }),
    }),
    weight: 1,
  },
);

const show = (p: Placement) =>
  `${p.slot}+${p.length} [-${p.before} +${p.after}] on ${p.resource ?? "none"}${p.window === "exact" ? " exact" : ""}${p.noOverlap ? " noOverlap" : ""}`;

/** The claim of a placement on `resourceId`, its window exact (true of the model's records) or everywhere. */
function claimOf(
  model: ContractModel,
  resourceId: string,
  capacity: number,
  p: Placement,
  moving: AppointmentRecord | null,
): ResourceClaim {
  const fromMs = at(p.slot - p.before);
  const toMs = at(p.slot + p.length + p.after);
  if (p.window === "everywhere") return resourceClaim(resourceId, fromMs, toMs, capacity);
  const starts = model
    .listResource(resourceId, { fromMs, toMs })
    .filter((r) => !(moving && r.userId === moving.userId && r.id === moving.id))
    .map((r) => (r.resource as NonNullable<AppointmentRecord["resource"]>).fromMs);
  const within: MsRange =
    starts.length === 0
      ? { fromMs: at(-100), toMs: at(-99) }
      : { fromMs: Math.min(...starts), toMs: Math.max(...starts) + 1 };
  return resourceClaim(resourceId, fromMs, toMs, capacity, within);
}

/**
 * The claim (or choice of claims) of a placement: none, one resource's, or both resources' in the order the
 * placement names. A move (`moving`) claims the first resource of a choice only.
 */
function claimsFor(
  model: ContractModel,
  resources: readonly string[],
  p: Placement,
  moving: AppointmentRecord | null,
  forMove: boolean,
): ResourceClaim | ResourceChoice | null {
  if (p.resource === null) return null;
  const order = typeof p.resource === "number" ? [p.resource] : p.resource === "0|1" ? [0, 1] : [1, 0];
  const claims = (forMove ? order.slice(0, 1) : order).map((index) =>
    claimOf(model, resources[index] as string, CAPACITIES[index as 0 | 1], p, moving),
  );
  return claims.length === 1 ? (claims[0] as ResourceClaim) : { anyOf: claims };
}

/** Whether, at some instant of `claim`, `capacity` of `records` occupy its resource. */
function fullFor(records: readonly AppointmentRecord[], claim: ResourceClaim): boolean {
  const spans = records.flatMap((r) => (r.resource?.resourceId === claim.resourceId ? [r.resource] : []));
  const instants = [claim.fromMs, ...spans.map((s) => s.fromMs)].filter((t) => t >= claim.fromMs && t < claim.toMs);
  return instants.some((t) => spans.filter((s) => s.fromMs <= t && s.toMs > t).length >= claim.capacity);
}

export const resourceModelCases: StoreContractCase[] = [
  {
    group: "model",
    name: "answers random books, holds, confirms, releases, moves, cancels and purges of three users on two resources as a reference model does",
    async run(store, c) {
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 30, size: "medium" }), async (operations) => {
          const model = new ContractModel();
          const users = [c.newUser("res-a"), c.newUser("res-b"), c.newUser("res-c")];
          const resources = [c.newId("room"), c.newId("hall")];
          let now = Date.UTC(2021, 3, 20);
          const log: string[] = [];
          for (const operation of operations) {
            now += MINUTE;
            if (operation.kind === "list") {
              const resourceId = resources[operation.resource] as string;
              const query = {
                fromMs: operation.from === null ? undefined : at(operation.from),
                toMs: operation.to === null ? undefined : at(operation.to),
                limit: operation.limit ?? undefined,
              };
              const what = `list(${operation.resource}, ${operation.from}, ${operation.to}, ${operation.limit})`;
              log.push(what);
              const listed = (await store.listResourceAppointments(resourceId, query)).map(plainRecord);
              assert.deepEqual(listed, model.listResource(resourceId, query), `${log.join("; ")}: the listed records`);
              continue;
            }
            if (operation.kind === "wait") {
              now += operation.minutes * MINUTE;
              log.push(`wait(${operation.minutes}${operation.purge ? ", purge" : ""})`);
              if (operation.purge) {
                model.purgeHolds(now);
                await store.purgeExpired(now);
              }
              continue;
            }
            let request: WriteRequest;
            let what: string;
            if (operation.kind === "book" || operation.kind === "hold") {
              const userId = users[operation.user] as string;
              const p = operation.placement;
              const resource = claimsFor(model, resources, p, null, false);
              if (operation.kind === "hold") {
                request = holdRequest(userId, c.newId("rh"), timesOf(p), now + operation.ttl * MINUTE, {
                  resource,
                  noOverlap: p.noOverlap,
                  atMs: now,
                });
                what = `hold(${operation.user}, ${show(p)}, ttl ${operation.ttl})`;
              } else {
                request = bookRequest(userId, c.newId("rb"), timesOf(p), {
                  resource,
                  appointmentType: operation.type,
                  noOverlap: p.noOverlap,
                  atMs: now,
                });
                what = `book(${operation.user}, ${show(p)}${operation.type ? `, type ${operation.type}` : ""})`;
              }
            } else {
              const all = users.flatMap((u) => model.list(u, { status: "all" }));
              const target = all[operation.pick % Math.max(1, all.length)];
              const id = target?.id ?? c.newId("missing");
              const owner = target ? users.indexOf(target.userId) : 0;
              const userId = users[(owner + (operation.foreign ? 1 : 0)) % users.length] as string;
              const by = `${operation.pick}${operation.foreign ? " by another user" : ""}`;
              if (operation.kind === "cancel") {
                request = cancelRequest(userId, id, null, { atMs: now });
                what = `cancel(${by})`;
              } else if (operation.kind === "confirm") {
                request = confirmRequest(userId, id, { atMs: now });
                what = `confirm(${by})`;
              } else if (operation.kind === "release") {
                request = releaseRequest(userId, id, { atMs: now });
                what = `release(${by})`;
              } else {
                const p = operation.placement;
                const moving = target && !operation.foreign ? target : null;
                const claim = claimsFor(model, resources, p, moving, true) as ResourceClaim | null;
                const version = target?.version ?? 1;
                request = moveRequest(userId, id, timesOf(p), {
                  resource: claim,
                  noOverlap: p.noOverlap,
                  atMs: now,
                  ...(operation.version === "none"
                    ? {}
                    : { expectedVersion: operation.version === "current" ? version : version + 1 }),
                });
                what = `move(${by}, ${show(p)}, version ${operation.version})`;
              }
            }
            log.push(what);
            const expected: WriteResult = model.write(request);
            const actual = await store.write(request);
            assert.deepEqual(plainResult(actual), expected, `${log.join("; ")}: the answer`);
          }
          for (const [index, resourceId] of resources.entries()) {
            const listed = (await store.listResourceAppointments(resourceId, {})).map(plainRecord);
            assert.deepEqual(listed, model.listResource(resourceId), `${log.join("; ")}: resource ${index} at the end`);
          }
          for (const userId of users) {
            const records = (await store.listAppointments(userId, { status: "all" })).map(plainRecord);
            assert.deepEqual(records, model.list(userId, { status: "all" }), `${log.join("; ")}: ${userId} at the end`);
          }
        }),
        c.fastCheck,
      );
    },
  },

  {
    group: "concurrency",
    name: "users booking and holding on one or two resources at once, whatever the order of their calls, never fill an instant over capacity",
    async run(store, c) {
      const request = fc.record({
        kind: fc.constantFrom("book", "book", "hold", "choice"),
        slot: fc.integer({ min: 0, max: 5 }),
        length: fc.integer({ min: 1, max: 3 }),
        before: fc.constantFrom(0, 0, 1),
        after: fc.constantFrom(0, 0, 1),
      });
      // Holds written before the race, some expired by the time it runs: those must not count.
      const earlier = fc.record({ slot: fc.integer({ min: 0, max: 5 }), expired: fc.boolean() });
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.constantFrom(1, 2),
          fc.array(earlier, { maxLength: 3 }),
          fc.array(request, { minLength: 2, maxLength: 7 }),
          async (s, capacity, holdsBefore, requests) => {
            const rooms = [c.newId("race-room"), c.newId("race-hall")];
            const [room, hall] = rooms as [string, string];
            const raceAt = Date.UTC(2021, 3, 20, 12);
            const spanOf = (b: { slot: number; length: number; before?: number; after?: number }, id: string) =>
              resourceClaim(id, at(b.slot - (b.before ?? 0)), at(b.slot + b.length + (b.after ?? 0)), capacity);
            for (const early of holdsBefore) {
              const expiresAtMs = early.expired ? raceAt : raceAt + MINUTE;
              const hold = holdRequest(
                c.newUser("early"),
                c.newId("eh"),
                timesOf({ slot: early.slot, length: 1 }),
                expiresAtMs,
                {
                  resource: spanOf({ slot: early.slot, length: 1 }, room),
                  atMs: raceAt - MINUTE,
                },
              );
              await store.write(hold);
            }
            const writes = requests.map((r) => {
              const times = timesOf(r);
              const options = { atMs: raceAt };
              const user = c.newUser("race");
              if (r.kind === "choice") {
                const resource = { anyOf: [spanOf(r, room), spanOf(r, hall)] };
                return bookRequest(user, c.newId("rc"), times, { ...options, resource });
              }
              if (r.kind === "hold") {
                return holdRequest(user, c.newId("rh"), times, raceAt + MINUTE, {
                  ...options,
                  resource: spanOf(r, room),
                });
              }
              return bookRequest(user, c.newId("rr"), times, { ...options, resource: spanOf(r, room) });
            });
            const scheduled = scheduledStore(store, s);
            const results = await s.waitFor(Promise.all(writes.map((w) => scheduled.write(w))));
            const key = (r: { userId: string; id: string }) => `${r.userId}\u0000${r.id}`;
            // What occupies each resource during the race: booked records, and holds live at its instant.
            const occupying = new Map<string, AppointmentRecord[]>();
            for (const id of rooms) {
              const listed = (await store.listResourceAppointments(id, {})).map(plainRecord);
              occupying.set(
                id,
                listed.filter((r) => r.status === "booked" || (r.holdExpiresAtMs as number) > raceAt),
              );
            }
            const written = results.flatMap((result) => (result.status === "written" ? [result.record] : []));
            const raced = [...occupying.values()].flat().filter((r) => !r.userId.includes("early"));
            assert.deepEqual(
              raced.map(key).sort(),
              written.map(key).sort(),
              "the resources hold exactly the bookings and holds that were written",
            );
            for (const [id, records] of occupying) {
              for (const record of records) {
                const t = (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs;
                const occupants = records.filter((r) => r.resource && r.resource.fromMs <= t && r.resource.toMs > t);
                assert.ok(
                  occupants.length <= capacity,
                  `${occupants.length} records at ${new Date(t).toISOString()} of ${id}`,
                );
              }
            }
            for (const [index, result] of results.entries()) {
              if (result.status === "written") continue;
              assert.equal(result.status, "resource-full", `request ${index}: refused only for the resource`);
              const change = (writes[index] as WriteRequest).change as { resource: ResourceClaim | ResourceChoice };
              const claims = "anyOf" in change.resource ? change.resource.anyOf : [change.resource];
              // Nothing is ever freed during the race: what filled each span then still fills it.
              for (const claim of claims) {
                assert.ok(
                  fullFor(occupying.get(claim.resourceId) ?? [], claim),
                  `request ${index}: refused, but ${claim.resourceId} has room`,
                );
              }
              if (result.status === "resource-full") {
                const first = occupying.get((claims[0] as ResourceClaim).resourceId) ?? [];
                assert.ok(
                  first.map(key).includes(key(result.conflicting)),
                  `request ${index}: names an occupant of its first claim`,
                );
              }
            }
          },
        ),
        c.fastCheck,
      );
    },
  },

  {
    group: "concurrency",
    name: "moves, cancels and bookings of one resource at once never fill an instant over capacity, and lose nothing",
    async run(store, c) {
      const step = fc.record({
        kind: fc.constantFrom("move", "move", "cancel", "book"),
        pick: fc.nat(),
        slot: fc.integer({ min: 0, max: 5 }),
        length: fc.integer({ min: 1, max: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.constantFrom(1, 2),
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
          fc.array(step, { minLength: 2, maxLength: 6 }),
          async (s, capacity, before, steps) => {
            const room = c.newId("race-room");
            const claimOn = (slot: number, length: number) =>
              resourceClaim(room, at(slot), at(slot + length), capacity);
            // What the race starts from: bookings written one by one (some refused: the room is full there).
            const existing: AppointmentRecord[] = [];
            for (const slot of before) {
              const booking = bookRequest(c.newUser("mc"), c.newId("mb"), timesOf({ slot, length: 1 }), {
                resource: claimOn(slot, 1),
              });
              const result = await store.write(booking);
              if (result.status === "written") existing.push(result.record);
            }
            if (existing.length === 0) return;
            const writes = steps.map((st) => {
              const target = existing[st.pick % existing.length] as AppointmentRecord;
              const times = timesOf(st);
              if (st.kind === "cancel") return cancelRequest(target.userId, target.id);
              if (st.kind === "move") {
                return moveRequest(target.userId, target.id, times, { resource: claimOn(st.slot, st.length) });
              }
              return bookRequest(c.newUser("mc"), c.newId("mn"), times, { resource: claimOn(st.slot, st.length) });
            });
            const scheduled = scheduledStore(store, s);
            const results = await s.waitFor(Promise.all(writes.map((w) => scheduled.write(w))));
            for (const [index, result] of results.entries()) {
              assert.ok(
                ["written", "resource-full", "not-booked"].includes(result.status),
                `write ${index} (${(writes[index] as WriteRequest).change.type}): ${result.status}`,
              );
            }
            const listed = (await store.listResourceAppointments(room, {})).map(plainRecord);
            for (const record of listed) {
              const t = (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs;
              const occupants = listed.filter((r) => r.resource && r.resource.fromMs <= t && r.resource.toMs > t);
              assert.ok(occupants.length <= capacity, `${occupants.length} records at ${new Date(t).toISOString()}`);
            }
            // Every record is where its last written change put it: nothing lost, nothing left behind.
            const key = (r: { userId: string; id: string }) => `${r.userId}\u0000${r.id}`;
            for (const record of [...existing, ...results.flatMap((r) => (r.status === "written" ? [r.record] : []))]) {
              const current = await store.getAppointment(record.userId, record.id);
              assert.ok(current, `${key(record)} is kept`);
              const isListed = listed.some((r) => key(r) === key(record));
              assert.equal(isListed, current.status === "booked", `${key(record)}: listed exactly while booked`);
            }
          },
        ),
        c.fastCheck,
      );
    },
  },
];

/** The times of a placement, local times as instants (UTC). */
function timesOf(p: { slot: number; length: number }) {
  return {
    startMs: at(p.slot),
    endMs: at(p.slot + p.length),
    localStartMs: at(p.slot),
    localEndMs: at(p.slot + p.length),
  };
}
