/**
 * Model-based: random sequences of store operations for two users, each answer compared with a reference
 * model of the contract kept in a few lines here (the active records in a `Map`).
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import type {
  AppointmentRecord,
  AppointmentStore,
  HoldersWindow,
  InsertAppointmentResult,
} from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { byStartThenId, plain, recordAt } from "./records.js";

const T0 = Date.UTC(2021, 3, 22, 9, 0);
const SLOT = 30 * 60_000;
// Few keys, few slots and low limits, so that full periods, refused inserts and refused moves are common.
const PERIODS = ["p0", "p1", "p2"];
const SLOTS = 8;

/** The reference: the active records of both users, and every id ever used (inserted or refused). */
class StoreModel {
  readonly active = new Map<string, AppointmentRecord>();
  readonly everUsed: string[] = [];

  recordsOf(userId: string): AppointmentRecord[] {
    return [...this.active.values()].filter((r) => r.userId === userId).sort(byStartThenId);
  }

  /** The user's record with this id: another user's record is not found. */
  find(userId: string, id: string): AppointmentRecord | null {
    const record = this.active.get(id);
    return record?.userId === userId ? record : null;
  }

  expectedInsert(record: AppointmentRecord, limit: number, replaces: string | undefined): InsertAppointmentResult {
    if (replaces !== undefined && !this.find(record.userId, replaces)) return { status: "replaced-not-found" };
    const others = this.recordsOf(record.userId).filter((r) => r.id !== replaces);
    const full = record.periods.filter((p) => others.filter((r) => r.periods.includes(p)).length >= limit);
    // `others` is sorted: the first holder of a full period is the earliest-starting, then lowest id.
    const conflicting = others.find((r) => r.periods.some((p) => full.includes(p)));
    return conflicting ? { status: "limit-reached", conflicting } : { status: "inserted", record };
  }
}

interface Real {
  readonly store: AppointmentStore;
  /** The user the commands mostly address, and a neighbour whose records must never show through. */
  readonly users: readonly [string, string];
  readonly newId: () => string;
}

/** After every write: the store holds exactly the model's records, so a write cannot corrupt it unseen. */
async function expectSameRecords(model: StoreModel, real: Real, after: string): Promise<void> {
  for (const user of real.users) {
    const actual = (await real.store.listAppointments(user, {})).map(plain);
    assert.deepEqual(actual, model.recordsOf(user).map(plain), `the records of ${user} after ${after}`);
  }
}

/** Picks one of the ids used so far, of either user (or a never-used one when there is none). */
const pickId = (model: StoreModel, pick: number) => model.everUsed[pick % Math.max(1, model.everUsed.length)] ?? "none";

/** Picks an active id of the user for even picks (a move of a live record), any id for odd ones. */
function pickReplaced(model: StoreModel, userId: string, pick: number): string {
  const own = model.recordsOf(userId);
  return pick % 2 === 0 && own.length > 0
    ? (own[(pick / 2) % own.length] as AppointmentRecord).id
    : pickId(model, pick);
}

/** Commands name their user by index: 0 (three times in four) or 1. */
type UserIndex = 0 | 1;
const userIndex = fc.constantFrom<UserIndex>(0, 0, 0, 1);

/**
 * How an insert bounds the starts of its periods' holders (`holdersStartWithin`): not at all, exactly (from
 * the earliest holder's start to just after the latest's, or nothing at all when there is no holder), or
 * with room on both sides. Each is true of the records stored, as the scheduler's bound is.
 */
type WindowMode = "none" | "tight" | "wide";

function holdersWindow(model: StoreModel, record: AppointmentRecord, mode: WindowMode): HoldersWindow | undefined {
  if (mode === "none") return undefined;
  const starts = model
    .recordsOf(record.userId)
    .filter((r) => r.periods.some((p) => record.periods.includes(p)))
    .map((r) => r.startMs);
  // No holder: a window before every record.
  const tight =
    starts.length === 0
      ? { fromMs: T0 - 2 * SLOT, toMs: T0 - SLOT }
      : { fromMs: Math.min(...starts), toMs: Math.max(...starts) + 1 };
  return mode === "tight" ? tight : { fromMs: tight.fromMs - 3 * SLOT, toMs: tight.toMs + SLOTS * SLOT };
}

class InsertCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly user: UserIndex,
    readonly slot: number,
    readonly periods: string[],
    readonly limit: number,
    readonly replacesPick: number | null,
    readonly window: WindowMode = "none",
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const record = recordAt(userId, real.newId(), T0 + this.slot * SLOT, this.periods);
    const replaces = this.replacesPick === null ? undefined : pickReplaced(model, userId, this.replacesPick);
    const expected = model.expectedInsert(record, this.limit, replaces);
    const holdersStartWithin = holdersWindow(model, record, this.window);
    const actual = await real.store.insertAppointment({ record, limit: this.limit, replaces, holdersStartWithin });
    model.everUsed.push(record.id);
    const what = `${this} → ${record.id}${replaces === undefined ? "" : ` replacing ${replaces}`}`;
    assert.equal(actual.status, expected.status, what);
    if (actual.status === "limit-reached" && expected.status === "limit-reached") {
      assert.deepEqual(plain(actual.conflicting), plain(expected.conflicting), `the conflicting record of ${what}`);
    }
    if (actual.status === "inserted") {
      assert.deepEqual(plain(actual.record), record, `the record of ${what}`);
      const replaced = replaces === undefined ? null : model.find(userId, replaces);
      assert.deepEqual(actual.replaced && plain(actual.replaced), replaced ? plain(replaced) : undefined, what);
      if (replaces !== undefined) model.active.delete(replaces);
      model.active.set(record.id, record);
    }
    await expectSameRecords(model, real, what);
  }
  toString = () =>
    `insert(user ${this.user}, slot ${this.slot}, [${this.periods}], limit ${this.limit}, replaces ${this.replacesPick}, window ${this.window})`;
}

class DeleteCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly user: UserIndex,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = pickId(model, this.pick);
    const expected = model.find(userId, id);
    const actual = await real.store.deleteAppointment(userId, id);
    assert.deepEqual(actual && plain(actual), expected && plain(expected), `${this} of ${id}`);
    if (expected) model.active.delete(id);
    await expectSameRecords(model, real, `${this} of ${id}`);
  }
  toString = () => `delete(user ${this.user}, ${this.pick})`;
}

class GetCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly user: UserIndex,
    readonly pick: number,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const userId = real.users[this.user];
    const id = pickId(model, this.pick);
    const expected = model.find(userId, id);
    const actual = await real.store.getAppointment(userId, id);
    assert.deepEqual(actual && plain(actual), expected && plain(expected), `${this} of ${id}`);
  }
  toString = () => `get(user ${this.user}, ${this.pick})`;
}

class ListCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly user: UserIndex,
    readonly from: number | null,
    readonly to: number | null,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    // Bounds in half slots: on a record's start or end (touching, not overlapping) and inside records.
    const fromMs = this.from === null ? undefined : T0 + (this.from * SLOT) / 2;
    const toMs = this.to === null ? undefined : T0 + (this.to * SLOT) / 2;
    const expected = model
      .recordsOf(real.users[this.user])
      .filter((r) => (toMs === undefined || r.startMs < toMs) && (fromMs === undefined || r.endMs > fromMs));
    const actual = await real.store.listAppointments(real.users[this.user], { fromMs, toMs });
    assert.deepEqual(actual.map(plain), expected.map(plain), this.toString());
  }
  toString = () => `list(user ${this.user}, ${this.from}, ${this.to})`;
}

const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const windowMode = fc.constantFrom<WindowMode>("none", "tight", "wide");
/** Any order, and now and then a key listed twice: a record holds a key once, and keeps its list as given. */
const periods = (minLength: number) =>
  fc.oneof(
    { arbitrary: fc.shuffledSubarray(PERIODS, { minLength }), weight: 4 },
    {
      arbitrary: fc.array(fc.constantFrom(...PERIODS), { minLength: Math.max(2, minLength), maxLength: 4 }),
      weight: 1,
    },
  );
const insert = fc
  .record({
    user: userIndex,
    slot,
    periods: periods(0),
    limit: fc.oneof({ arbitrary: fc.constant(1), weight: 2 }, { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 }),
    replaces: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
    window: windowMode,
  })
  .map(
    ({ user, slot, periods, limit, replaces, window }) =>
      new InsertCommand(user, slot, periods, limit, replaces, window),
  );
// A move of a live record, often into a full period: where a store could lose the record it moves.
const move = fc
  .record({ user: userIndex, slot, periods: periods(1), move: fc.nat(), window: windowMode })
  .map(({ user, slot, periods, move, window }) => new InsertCommand(user, slot, periods, 1, move * 2, window));
const bound = fc.option(fc.integer({ min: -1, max: 2 * SLOTS + 1 }));

/** Writes are listed more than once: `fc.commands` picks uniformly among the arbitraries. */
const commands = [
  insert,
  insert,
  insert,
  move,
  move,
  fc.tuple(userIndex, fc.nat()).map(([user, pick]) => new DeleteCommand(user, pick)),
  fc.tuple(userIndex, fc.nat()).map(([user, pick]) => new GetCommand(user, pick)),
  fc.tuple(userIndex, bound, bound).map(([user, from, to]) => new ListCommand(user, from, to)),
];

/** Sequences fast-check once found failing (against the store named), run first on every store. */
const REGRESSIONS: fc.AsyncCommand<StoreModel, Real>[][] = [
  // MemoryStore counted a record listing a period twice as two holders of it.
  [new InsertCommand(0, 0, ["p2", "p2"], 1, null), new InsertCommand(0, 0, ["p2"], 2, null)],
];

export const storeModelCases: StoreContractCase[] = [
  {
    group: "model",
    name: "answers random sequences of insert, move, delete, get and list for two users as a reference model does",
    async run(store, context) {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "medium" }), async (sequence) => {
          const real: Real = {
            store,
            users: [context.newUser("model"), context.newUser("neighbour")],
            newId: () => context.newId("m"),
          };
          await fc.asyncModelRun(() => ({ model: new StoreModel(), real }), sequence);
        }),
        { ...context.fastCheck, examples: REGRESSIONS.map((sequence): [typeof sequence] => [sequence]) },
      );
    },
  },
];
