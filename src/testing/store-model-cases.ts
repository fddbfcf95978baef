/**
 * Model-based: random sequences of writes (book, move, cancel, with and without idempotency keys, retries,
 * time passing) and reads for two users, each answer compared with {@link ContractModel}, and after every
 * write the whole state of both users (records of every status, and their events) compared too.
 *
 * The space is small on purpose, so that what is rare in life is common here: few slots, few periods, low
 * limits, three keys, expiries of a few minutes. Local times differ from instants by an offset that varies
 * between bookings (a user who travels) and sometimes in length (a DST change), so that a store counting
 * periods by instants, or overlaps by local times, answers differently.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import type { JsonObject } from "../model/json.js";
import type {
  AppointmentRecord,
  AppointmentStore,
  AppointmentTimes,
  MsRange,
  RecordQuery,
  WriteRequest,
} from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { ContractModel, factsOf, holds, overlaps } from "./contract-model.js";
import { anchorPosition, ofUsers, readAllChanges } from "./feed.js";
import { plainChange, plainRecord, plainResult } from "./records.js";
import { bookRequest, cancelRequest, EVERYWHERE, FOREVER, LATER, MINUTE, moveRequest } from "./requests.js";

/** The grid of the model's times: every instant and local time is a whole number of units from BASE. */
const UNIT = 30 * MINUTE;
const BASE = Date.UTC(2021, 3, 19);
const SLOTS = 12;
const at = (units: number) => BASE + units * UNIT;
/** A clock before every record the model holds: a cancel then comes before the start. */
const EARLY = at(-48);

/** Two kinds of period: "days" of 4 units, and "weeks" of 10 units starting 2 units later. */
const GRIDS = [
  { name: "day", length: 4, phase: 0 },
  { name: "week", length: 10, phase: 2 },
] as const;

/** The cells of a grid that local times in the model can reach, as periods. */
function cellsOf(grid: (typeof GRIDS)[number]): MsRange[] {
  const cells: MsRange[] = [];
  for (let from = grid.phase - grid.length * 2; from < SLOTS + 12; from += grid.length) {
    cells.push({ fromMs: at(from), toMs: at(from + grid.length) });
  }
  return cells;
}

/** What the model and the store are. */
class ModelState {
  readonly contract = new ContractModel();
  /** The scheduler's clock: one minute per write, more when time passes. */
  now = LATER;
  /** Every id booked or refused so far, of either user, to name in later commands. */
  readonly ids: string[] = [];
  /** Every request sent with a key, to retry, and how its candidates window was given. */
  readonly keyed: { readonly request: WriteRequest; readonly window: WindowMode | null }[] = [];
}

interface Real {
  readonly store: AppointmentStore;
  /** The user most commands address, and a neighbour whose records and events must never show through. */
  readonly users: readonly [string, string];
  readonly newId: () => string;
}

/** Commands name their user by index: 0 (three times in four) or 1. */
type UserIndex = 0 | 1;
const userIndex = fc.constantFrom<UserIndex>(0, 0, 0, 1);

const pickAny = (model: ModelState, pick: number) => model.ids[pick % Math.max(1, model.ids.length)] ?? "never-booked";

/** Even picks name one of the user's own records (of any status), odd picks any id used so far. */
function pickTarget(model: ModelState, userId: string, pick: number): string {
  const own = model.contract.list(userId, { status: "all" });
  const target = own[Math.floor(pick / 2) % Math.max(1, own.length)];
  return pick % 2 === 0 && target ? target.id : pickAny(model, pick);
}

/** How a write's candidates window is given: exact (from the model), with room around it, or everything. */
type WindowMode = "exact" | "wide" | "everywhere";

/** The window of `mode` for a book or move of `times`, true of the records the model holds. */
function windowFor(
  model: ModelState,
  userId: string,
  times: AppointmentTimes,
  occupancy: { periods: readonly MsRange[]; noOverlap: boolean },
  movedId: string | null,
  mode: WindowMode,
): { within: MsRange; endWithin: MsRange } {
  if (mode === "everywhere") return { within: EVERYWHERE, endWithin: EVERYWHERE };
  // Holders of periods are booked records and those cancelled at or after their start; only booked ones overlap.
  const holdsAny = (r: AppointmentRecord) =>
    (r.status === "booked" || (r.cancelledAtMs ?? -Infinity) >= r.startMs) &&
    occupancy.periods.some((p) => holds(r, p));
  const candidates = model.contract
    .list(userId, { status: "all" })
    .filter((r) => r.id !== movedId)
    .filter((r) => holdsAny(r) || (occupancy.noOverlap && r.status === "booked" && overlaps(r, times)));
  // Exact: from the first candidate's instant to just after the last's; with no candidate, a window that
  // holds no record at all.
  const exactOf = (instants: number[]) =>
    instants.length === 0
      ? { fromMs: at(-40), toMs: at(-39) }
      : { fromMs: Math.min(...instants), toMs: Math.max(...instants) + 1 };
  const widen = (exact: MsRange) =>
    mode === "exact" ? exact : { fromMs: exact.fromMs - 5 * UNIT, toMs: exact.toMs + 7 * UNIT };
  return {
    within: widen(exactOf(candidates.map((r) => r.startMs))),
    endWithin: widen(exactOf(candidates.map((r) => r.endMs))),
  };
}

/** An idempotency claim as a command carries it: one of three keys, two fingerprints, a lifetime. */
interface KeySpec {
  readonly key: number;
  readonly fingerprint: number;
  /** In minutes of the model's clock, or `null` for never. */
  readonly ttl: number | null;
}

const keySpec = fc.oneof(
  { arbitrary: fc.constant(null), weight: 2 },
  {
    arbitrary: fc.record({
      key: fc.integer({ min: 0, max: 2 }),
      fingerprint: fc.integer({ min: 0, max: 1 }),
      ttl: fc.constantFrom<number | null>(2, 5, null),
    }),
    weight: 1,
  },
);

/** The claim of `spec` on `real`'s run (keys are named per run, so runs never share one) at `now`. */
function claimOf(spec: KeySpec | null, real: Real, now: number) {
  if (!spec) return undefined;
  return {
    key: `${real.users[0]}-key-${spec.key}`,
    fingerprint: `fp-${spec.fingerprint}`,
    expiresAtMs: spec.ttl === null ? FOREVER : now + spec.ttl * MINUTE,
  };
}

const showKey = (spec: KeySpec | null) => (spec ? ` key ${spec.key}/fp${spec.fingerprint}/ttl ${spec.ttl ?? "∞"}` : "");
const showTimes = (t: AppointmentTimes) =>
  `${(t.startMs - BASE) / UNIT}+${(t.endMs - t.startMs) / UNIT}@local ${(t.localStartMs - BASE) / UNIT}+${(t.localEndMs - t.localStartMs) / UNIT}`;
const showPeriods = (periods: readonly MsRange[]) =>
  `[${periods.map((p) => `${(p.fromMs - BASE) / UNIT}..${(p.toMs - BASE) / UNIT}`).join(" ")}]`;

/** What a book or move asks: its times and occupancy, and how its window is given. */
interface Placement {
  readonly times: AppointmentTimes;
  readonly periods: readonly MsRange[];
  readonly limit: number;
  readonly noOverlap: boolean;
  readonly window: WindowMode;
}

const showPlacement = (p: Placement) =>
  `${showTimes(p.times)} ${showPeriods(p.periods)}≤${p.limit}${p.noOverlap ? " no-overlap" : ""} window ${p.window}`;

/** Sends a write to both, compares the outcomes, then the whole state of both users. */
async function writeBoth(
  model: ModelState,
  real: Real,
  request: WriteRequest,
  window: WindowMode | null,
  what: string,
): Promise<void> {
  const expected = model.contract.write(request);
  const actual = await real.store.write(request);
  assert.deepEqual(plainResult(actual), expected, `the outcome of ${what}`);
  if (request.idempotency) model.keyed.push({ request, window });
  model.now += MINUTE;
  await expectSameState(model, real, what);
}

/** After every write: each user's records (every status) and events are exactly the model's. */
async function expectSameState(model: ModelState, real: Real, after: string): Promise<void> {
  for (const user of real.users) {
    const records = (await real.store.listAppointments(user, { status: "all" })).map(plainRecord);
    assert.deepEqual(records, model.contract.list(user, { status: "all" }), `the records of ${user} after ${after}`);
    const changes = (await readAllChanges(real.store, { userId: user })).map(plainChange);
    assert.deepEqual(changes, model.contract.changes(user).map(factsOf), `the events of ${user} after ${after}`);
  }
}

class BookCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex,
    /** `null` for a new id, or a pick among the ids used so far (id-taken, or the other user's id). */
    readonly idPick: number | null,
    readonly placement: Placement,
    readonly metadata: JsonObject | null,
    readonly key: KeySpec | null,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = this.idPick === null ? real.newId() : pickAny(model, this.idPick);
    const { times, periods, limit, noOverlap, window } = this.placement;
    const windows = windowFor(model, userId, times, { periods, noOverlap }, null, window);
    const idempotency = claimOf(this.key, real, model.now);
    const request = bookRequest(userId, id, times, {
      periods,
      limit,
      noOverlap,
      ...windows,
      metadata: this.metadata,
      atMs: model.now,
      ...(idempotency ? { idempotency } : {}),
    });
    if (!model.ids.includes(id)) model.ids.push(id);
    await writeBoth(model, real, request, window, `${this} (id ${id})`);
  }
  toString = () =>
    `book(user ${this.user}, ${this.idPick === null ? "new id" : `id ${this.idPick}`}, ${showPlacement(this.placement)}${this.metadata ? " with metadata" : ""}${showKey(this.key)})`;
}

class MoveCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex,
    readonly pick: number,
    readonly placement: Placement,
    readonly key: KeySpec | null,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = pickTarget(model, userId, this.pick);
    const { times, periods, limit, noOverlap, window } = this.placement;
    const windows = windowFor(model, userId, times, { periods, noOverlap }, id, window);
    const idempotency = claimOf(this.key, real, model.now);
    const request = moveRequest(userId, id, times, {
      periods,
      limit,
      noOverlap,
      ...windows,
      atMs: model.now,
      ...(idempotency ? { idempotency } : {}),
    });
    await writeBoth(model, real, request, window, `${this} (id ${id})`);
  }
  toString = () => `move(user ${this.user}, pick ${this.pick}, ${showPlacement(this.placement)}${showKey(this.key)})`;
}

class CancelCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex,
    readonly pick: number,
    readonly reason: string | null,
    readonly key: KeySpec | null,
    /** Cancelled before every record's start (it frees its periods), or at the clock, after them (it holds them). */
    readonly early: boolean,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = pickTarget(model, userId, this.pick);
    // An early cancel carries no key: a key's life is counted on the model's clock, which it steps back from.
    const idempotency = this.early ? undefined : claimOf(this.key, real, model.now);
    const request = cancelRequest(userId, id, this.reason, {
      atMs: this.early ? EARLY : model.now,
      ...(idempotency ? { idempotency } : {}),
    });
    await writeBoth(model, real, request, null, `${this} (id ${id})`);
  }
  toString = () =>
    `cancel(user ${this.user}, pick ${this.pick}, reason ${this.reason}${this.early ? ", early" : showKey(this.key)})`;
}

/** A client's retry: a request sent with a key, sent again exactly, later. */
class RetryCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(readonly pick: number) {}
  check = (model: Readonly<ModelState>) => model.keyed.length > 0;
  async run(model: ModelState, real: Real): Promise<void> {
    const { request, window } = model.keyed[this.pick % model.keyed.length] as ModelState["keyed"][number];
    const { change, userId } = request;
    // The same request, but for its candidates window: one computed from the records as they are now is
    // true of them, as the scheduler's (computed from the periods alone) always is.
    const retried: WriteRequest =
      (change.type !== "book" && change.type !== "move") || window === null
        ? { ...request, atMs: model.now }
        : {
            ...request,
            atMs: model.now,
            change: {
              ...change,
              occupancy: (() => {
                const { within, endWithin } = windowFor(
                  model,
                  userId,
                  change.times,
                  change.occupancy,
                  change.type === "move" ? change.id : null,
                  window,
                );
                return { ...change.occupancy, candidatesStartWithin: within, candidatesEndWithin: endWithin };
              })(),
            },
          };
    await writeBoth(model, real, retried, window, `${this} of ${change.type} ${change.id}`);
  }
  toString = () => `retry(${this.pick})`;
}

/** Time passes: keys expire. */
class WaitCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(model: ModelState): Promise<void> {
    model.now += this.minutes * MINUTE;
  }
  toString = () => `wait(${this.minutes} min)`;
}

class GetCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = pickAny(model, this.pick);
    const actual = await real.store.getAppointment(userId, id);
    assert.deepEqual(actual && plainRecord(actual), model.contract.get(userId, id), `${this} of ${id}`);
  }
  toString = () => `get(user ${this.user}, ${this.pick})`;
}

class ListCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex,
    readonly from: number | null,
    readonly to: number | null,
    readonly status: "booked" | "all" | undefined,
    /** After one of the user's records (the last of a page, as a pager sends), or after any place. */
    readonly after: { record: boolean; slot: number; pick: number } | null,
    readonly limit: number | null,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    const userId = real.users[this.user];
    // Bounds in half units: on a record's start or end (touching, not overlapping), and inside records.
    const own = model.contract.list(userId, { status: "all" });
    const afterRecord = this.after && own[this.after.pick % Math.max(1, own.length)];
    const query: RecordQuery = {
      fromMs: this.from === null ? undefined : at(this.from / 2),
      toMs: this.to === null ? undefined : at(this.to / 2),
      status: this.status,
      after:
        this.after === null
          ? undefined
          : this.after.record && afterRecord
            ? { startMs: afterRecord.startMs, id: afterRecord.id }
            : { startMs: at(this.after.slot), id: pickAny(model, this.after.pick) },
      limit: this.limit ?? undefined,
    };
    const actual = (await real.store.listAppointments(userId, query)).map(plainRecord);
    assert.deepEqual(actual, model.contract.list(userId, query), `${this}: ${JSON.stringify(query)}`);
  }
  toString = () =>
    `list(user ${this.user}, ${this.from}, ${this.to}, ${this.status}, after ${JSON.stringify(this.after)}, limit ${this.limit})`;
}

/** Reads the feed in small pages, of one user or (after the run's anchor) of both. */
class ChangesCommand implements fc.AsyncCommand<ModelState, Real> {
  constructor(
    readonly user: UserIndex | "both",
    readonly pageSize: number,
    readonly anchor: () => string,
  ) {}
  check = () => true;
  async run(model: ModelState, real: Real): Promise<void> {
    if (this.user === "both") {
      const changes = await readAllChanges(real.store, { after: this.anchor() }, this.pageSize);
      const ours = ofUsers(changes, real.users).map(plainChange);
      assert.deepEqual(ours, model.contract.changes().map(factsOf), `${this}: both users' events in commit order`);
      return;
    }
    const userId = real.users[this.user];
    const changes = (await readAllChanges(real.store, { userId }, this.pageSize)).map(plainChange);
    assert.deepEqual(changes, model.contract.changes(userId).map(factsOf), this.toString());
  }
  toString = () => `changes(${this.user}, pages of ${this.pageSize})`;
}

/** The periods a placement's local times occupy in a grid: the cells they touch, an end on a boundary too. */
function touchedCells(times: AppointmentTimes, grid: (typeof GRIDS)[number]): MsRange[] {
  return cellsOf(grid).filter((cell) => times.localStartMs < cell.toMs && times.localEndMs >= cell.fromMs);
}

const placement = fc
  .record({
    slot: fc.integer({ min: 0, max: SLOTS - 1 }),
    length: fc.integer({ min: 1, max: 3 }),
    offset: fc.constantFrom(0, 0, -2, 3),
    localDelta: fc.constantFrom(0, 0, 0, 2, -1),
    grid: fc.constantFrom(...GRIDS),
    periodChoice: fc.oneof(
      { arbitrary: fc.constant("touched" as const), weight: 4 },
      { arbitrary: fc.constant("touched twice" as const), weight: 1 },
      { arbitrary: fc.constant("none" as const), weight: 1 },
      { arbitrary: fc.nat(), weight: 2 },
    ),
    limit: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 }),
    noOverlap: fc.boolean(),
    window: fc.constantFrom<WindowMode>("exact", "wide", "everywhere"),
    // Periods in any order: the conflicting record is the earliest holder of any full one, not of the first.
    reversed: fc.boolean(),
  })
  .map(({ slot, length, offset, localDelta, grid, periodChoice, limit, noOverlap, window, reversed }): Placement => {
    const times = {
      startMs: at(slot),
      endMs: at(slot + length),
      localStartMs: at(slot + offset),
      localEndMs: at(slot + offset + Math.max(0, length + localDelta)),
    };
    const touched = touchedCells(times, grid);
    const cells = cellsOf(grid);
    const periods =
      periodChoice === "touched"
        ? touched
        : periodChoice === "touched twice"
          ? [...touched, ...touched]
          : periodChoice === "none"
            ? []
            : // Any cells at all: a store counts the periods it is given, whether or not the times are in them.
              cells.filter((_, i) => (periodChoice >> i) & 1);
    return { times, periods: reversed ? [...periods].reverse() : periods, limit, noOverlap, window };
  });

const METADATA: (JsonObject | null)[] = [null, null, { a: 1 }, { nested: { list: [1, "two", null, true] }, ü: "東京" }];

function commandsFor(anchor: () => string) {
  const book = fc
    .record({
      user: userIndex,
      idPick: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: fc.nat(), weight: 1 }),
      placement,
      metadata: fc.constantFrom(...METADATA),
      key: keySpec,
    })
    .map(({ user, idPick, placement, metadata, key }) => new BookCommand(user, idPick, placement, metadata, key));
  const move = fc
    .record({ user: userIndex, pick: fc.nat(), placement, key: keySpec })
    .map(({ user, pick, placement, key }) => new MoveCommand(user, pick, placement, key));
  const cancel = fc
    .record({
      user: userIndex,
      pick: fc.nat(),
      reason: fc.constantFrom(null, "ill"),
      key: keySpec,
      early: fc.boolean(),
    })
    .map(({ user, pick, reason, key, early }) => new CancelCommand(user, pick, reason, key, early));
  // In half units, mostly whole ones: where records start and end.
  const bound = fc.option(
    fc.oneof(
      { arbitrary: fc.integer({ min: -1, max: SLOTS + 3 }).map((units) => 2 * units), weight: 3 },
      { arbitrary: fc.integer({ min: -2, max: 2 * SLOTS + 6 }), weight: 1 },
    ),
  );
  const list = fc
    .record({
      user: userIndex,
      from: bound,
      to: bound,
      status: fc.constantFrom<"booked" | "all" | undefined>(undefined, "booked", "all"),
      after: fc.option(fc.record({ record: fc.boolean(), slot: fc.integer({ min: 0, max: SLOTS }), pick: fc.nat() }), {
        freq: 3,
      }),
      limit: fc.option(fc.integer({ min: 1, max: 3 })),
    })
    .map(({ user, from, to, status, after, limit }) => new ListCommand(user, from, to, status, after, limit));
  // Writes are listed more than once: `fc.commands` picks uniformly among the arbitraries.
  return [
    book,
    book,
    book,
    move,
    move,
    cancel,
    list,
    fc.nat().map((pick) => new RetryCommand(pick)),
    fc.integer({ min: 1, max: 8 }).map((minutes) => new WaitCommand(minutes)),
    fc.tuple(userIndex, fc.nat()).map(([user, pick]) => new GetCommand(user, pick)),
    list,
    fc
      .tuple(fc.constantFrom<UserIndex | "both">(0, 1, "both"), fc.integer({ min: 1, max: 3 }))
      .map(([user, pageSize]) => new ChangesCommand(user, pageSize, anchor)),
  ];
}

export const storeModelCases: StoreContractCase[] = [
  {
    group: "model",
    name: "answers random writes, retries and reads for two users as a reference model does, state and feed after every write",
    async run(store, context) {
      // The commands read the run's anchor when they run: it is set before each run starts.
      let anchor = "";
      await fc.assert(
        fc.asyncProperty(
          fc.commands(
            commandsFor(() => anchor),
            { maxCommands: 40, size: "medium" },
          ),
          async (sequence) => {
            anchor = await anchorPosition(store, context);
            const model = new ModelState();
            const real: Real = {
              store,
              users: [context.newUser("model"), context.newUser("neighbour")],
              newId: () => context.newId("m"),
            };
            await fc.asyncModelRun(() => ({ model, real }), sequence);
            // Last, the feed of the whole run across both users, in commit order.
            await new ChangesCommand("both", 100, () => anchor).run(model, real);
          },
        ),
        context.fastCheck,
      );
    },
  },
];
