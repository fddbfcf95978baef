/**
 * Resources at random: sequences of books, moves and cancels of three users on two resources (capacities 1
 * and 2) with random spans and buffers, each answer compared with {@link ContractModel}; and races of users
 * booking one resource at once under fast-check's scheduler, which must never leave an instant over capacity.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import type {
  AppointmentRecord,
  MsRange,
  ResourceClaim,
  WriteRequest,
  WriteResult,
} from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { ContractModel } from "./contract-model.js";
import { scheduledStore } from "./race-cases.js";
import { plainRecord, plainResult } from "./records.js";
import { bookRequest, cancelRequest, MINUTE, moveRequest, resourceClaim } from "./requests.js";

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
  /** Which resource (0: capacity 1, 1: capacity 2), or none. */
  readonly resource: 0 | 1 | null;
  /** The claim's candidates window: exact (from the model) or everywhere. */
  readonly window: "exact" | "everywhere";
  /** With `noOverlap`, the user's own overlap comes first. */
  readonly noOverlap: boolean;
}

type Operation =
  | { readonly kind: "book"; readonly user: number; readonly placement: Placement; readonly type: string | null }
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
  resource: fc.constantFrom<0 | 1 | null>(0, 1, 1, null),
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

/** Whether, at some instant of `claim`, `capacity` of `records` occupy its resource. */
function fullFor(records: readonly AppointmentRecord[], claim: ResourceClaim): boolean {
  const spans = records.flatMap((r) => (r.resource?.resourceId === claim.resourceId ? [r.resource] : []));
  const instants = [claim.fromMs, ...spans.map((s) => s.fromMs)].filter((t) => t >= claim.fromMs && t < claim.toMs);
  return instants.some((t) => spans.filter((s) => s.fromMs <= t && s.toMs > t).length >= claim.capacity);
}

export const resourceModelCases: StoreContractCase[] = [
  {
    group: "model",
    name: "answers random books, moves and cancels of three users on two resources as a reference model does",
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
            let request: WriteRequest;
            let what: string;
            if (operation.kind === "book") {
              const userId = users[operation.user] as string;
              const p = operation.placement;
              const claim =
                p.resource === null
                  ? null
                  : claimOf(model, resources[p.resource] as string, CAPACITIES[p.resource], p, null);
              request = bookRequest(userId, c.newId("rb"), timesOf(p), {
                resource: claim,
                appointmentType: operation.type,
                noOverlap: p.noOverlap,
                atMs: now,
              });
              what = `book(${operation.user}, ${show(p)}${operation.type ? `, type ${operation.type}` : ""})`;
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
              } else {
                const p = operation.placement;
                const moving = target && !operation.foreign ? target : null;
                const claim =
                  p.resource === null
                    ? null
                    : claimOf(model, resources[p.resource] as string, CAPACITIES[p.resource], p, moving);
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
    name: "users booking one resource at once, whatever the order of their calls, never fill an instant over capacity",
    async run(store, c) {
      const booking = fc.record({
        slot: fc.integer({ min: 0, max: 5 }),
        length: fc.integer({ min: 1, max: 3 }),
        before: fc.constantFrom(0, 0, 1),
        after: fc.constantFrom(0, 0, 1),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.constantFrom(1, 2),
          fc.array(booking, { minLength: 2, maxLength: 7 }),
          async (s, capacity, bookings) => {
            const resourceId = c.newId("race-room");
            const scheduled = scheduledStore(store, s);
            const requests = bookings.map((b) =>
              bookRequest(c.newUser("race"), c.newId("rr"), timesOf({ slot: b.slot, length: b.length }), {
                resource: resourceClaim(resourceId, at(b.slot - b.before), at(b.slot + b.length + b.after), capacity),
              }),
            );
            const results = await s.waitFor(Promise.all(requests.map((request) => scheduled.write(request))));
            const listed = (await store.listResourceAppointments(resourceId, {})).map(plainRecord);
            const key = (r: { userId: string; id: string }) => `${r.userId}\u0000${r.id}`;
            const written = results.flatMap((result) => (result.status === "written" ? [key(result.record)] : []));
            assert.deepEqual(
              listed.map(key).sort(),
              [...written].sort(),
              "the resource holds exactly the bookings that were written",
            );
            for (const record of listed) {
              const t = (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs;
              const occupants = listed.filter((r) => r.resource && r.resource.fromMs <= t && r.resource.toMs > t);
              assert.ok(occupants.length <= capacity, `${occupants.length} records at ${new Date(t).toISOString()}`);
            }
            for (const [index, result] of results.entries()) {
              if (result.status === "written") continue;
              assert.equal(result.status, "resource-full", `booking ${index}: refused only for the resource`);
              const claim = (requests[index] as WriteRequest & { change: { resource: ResourceClaim } }).change.resource;
              // Nothing is ever cancelled here: what filled the span then still fills it.
              assert.ok(fullFor(listed, claim), `booking ${index}: refused, but its span has room`);
              if (result.status === "resource-full") {
                assert.ok(listed.map(key).includes(key(result.conflicting)), `booking ${index}: names a booked record`);
              }
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
