/**
 * Model-based: random sequences of store operations, each answer compared with a reference model of the
 * contract kept in a few lines here (one user's active records in a `Map`).
 *
 * @module
 */
import assert from "node:assert/strict";
import * as fc from "fast-check";
import type { AppointmentRecord, AppointmentStore, InsertAppointmentResult } from "../store/appointment-store.js";
import type { StoreContractCase } from "./contract-case.js";
import { byStartThenId, plain, recordAt } from "./records.js";

const T0 = Date.UTC(2021, 3, 22, 9, 0);
const SLOT = 30 * 60_000;
// Few keys and low limits, so that full periods, refused inserts and refused moves are common.
const PERIODS = ["p0", "p1", "p2"];

/** The reference: the active records of the user under test, and every id ever used. */
class StoreModel {
  readonly active = new Map<string, AppointmentRecord>();
  readonly everUsed: string[] = [];

  expectedInsert(record: AppointmentRecord, limit: number, replaces: string | undefined): InsertAppointmentResult {
    if (replaces !== undefined && !this.active.has(replaces)) return { status: "replaced-not-found" };
    const others = [...this.active.values()].filter((r) => r.id !== replaces);
    const full = record.periods.filter((p) => others.filter((r) => r.periods.includes(p)).length >= limit);
    const holders = others.filter((r) => r.periods.some((p) => full.includes(p))).sort(byStartThenId);
    if (holders[0]) return { status: "limit-reached", conflicting: holders[0] };
    return { status: "inserted", record };
  }
}

/** After every write: the store holds exactly the model's records, so a write cannot corrupt it unseen. */
async function expectSameRecords(model: StoreModel, real: Real, after: string): Promise<void> {
  const expected = [...model.active.values()].sort(byStartThenId).map(plain);
  assert.deepEqual((await real.store.listAppointments(real.user, {})).map(plain), expected, `records after ${after}`);
}

interface Real {
  readonly store: AppointmentStore;
  readonly user: string;
  readonly newId: () => string;
}

/** Picks one of the ids used so far (or a never-used one when there is none). */
const pickId = (model: StoreModel, pick: number) => model.everUsed[pick % Math.max(1, model.everUsed.length)] ?? "none";

/** Picks an active id for even picks (moves of live records, the interesting case), any id for odd ones. */
const pickReplaced = (model: StoreModel, pick: number) => {
  const active = [...model.active.keys()];
  return pick % 2 === 0 && active.length > 0 ? (active[(pick / 2) % active.length] as string) : pickId(model, pick);
};

class InsertCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly slot: number,
    readonly periods: string[],
    readonly limit: number,
    readonly replacesPick: number | null,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const record = recordAt(real.user, real.newId(), T0 + this.slot * SLOT, this.periods);
    const replaces = this.replacesPick === null ? undefined : pickReplaced(model, this.replacesPick);
    const expected = model.expectedInsert(record, this.limit, replaces);
    const actual = await real.store.insertAppointment({ record, limit: this.limit, replaces });
    model.everUsed.push(record.id);
    assert.equal(actual.status, expected.status, `insert ${this.toString()}`);
    if (actual.status === "limit-reached" && expected.status === "limit-reached") {
      assert.deepEqual(plain(actual.conflicting), plain(expected.conflicting), "the conflicting record");
    }
    if (actual.status === "inserted") {
      if (replaces !== undefined) {
        assert.deepEqual(
          actual.replaced && plain(actual.replaced),
          plain(model.active.get(replaces) as AppointmentRecord),
        );
        model.active.delete(replaces);
      }
      model.active.set(record.id, record);
    }
    await expectSameRecords(model, real, this.toString());
  }
  toString = () => `insert(slot ${this.slot}, [${this.periods}], limit ${this.limit}, replaces ${this.replacesPick})`;
}

class DeleteCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const id = pickId(model, this.pick);
    const expected = model.active.get(id) ?? null;
    const actual = await real.store.deleteAppointment(real.user, id);
    assert.deepEqual(actual && plain(actual), expected && plain(expected), `delete ${id}`);
    model.active.delete(id);
    await expectSameRecords(model, real, this.toString());
  }
  toString = () => `delete(${this.pick})`;
}

class GetCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    const id = pickId(model, this.pick);
    const expected = model.active.get(id) ?? null;
    const actual = await real.store.getAppointment(real.user, id);
    assert.deepEqual(actual && plain(actual), expected && plain(expected), `get ${id}`);
  }
  toString = () => `get(${this.pick})`;
}

class ListCommand implements fc.AsyncCommand<StoreModel, Real> {
  constructor(
    readonly from: number | null,
    readonly to: number | null,
  ) {}
  check = () => true;
  async run(model: StoreModel, real: Real): Promise<void> {
    // Bounds fall on slot boundaries and between them, so that touching and overlapping both occur.
    const fromMs = this.from === null ? undefined : T0 + (this.from * SLOT) / 2;
    const toMs = this.to === null ? undefined : T0 + (this.to * SLOT) / 2;
    const expected = [...model.active.values()]
      .filter((r) => (toMs === undefined || r.startMs < toMs) && (fromMs === undefined || r.endMs > fromMs))
      .sort(byStartThenId);
    const actual = await real.store.listAppointments(real.user, { fromMs, toMs });
    assert.deepEqual(actual.map(plain), expected.map(plain), `list ${this.toString()}`);
  }
  toString = () => `list(${this.from}, ${this.to})`;
}

const commands = [
  fc
    .record({
      slot: fc.integer({ min: 0, max: 7 }),
      periods: fc.subarray(PERIODS),
      limit: fc.oneof(
        { arbitrary: fc.constant(1), weight: 2 },
        { arbitrary: fc.integer({ min: 2, max: 3 }), weight: 1 },
      ),
      replaces: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
    })
    .map(({ slot, periods, limit, replaces }) => new InsertCommand(slot, periods, limit, replaces)),
  // A move of a live record, often into a full period: where a store could lose the record it moves.
  fc
    .record({
      slot: fc.integer({ min: 0, max: 7 }),
      periods: fc.subarray(PERIODS, { minLength: 1 }),
      move: fc.nat(),
    })
    .map(({ slot, periods, move }) => new InsertCommand(slot, periods, 1, move * 2)),
  fc.nat().map((pick) => new DeleteCommand(pick)),
  fc.nat().map((pick) => new GetCommand(pick)),
  fc
    .tuple(fc.option(fc.integer({ min: -1, max: 17 })), fc.option(fc.integer({ min: -1, max: 17 })))
    .map(([from, to]) => new ListCommand(from, to)),
];

export const storeModelCases: StoreContractCase[] = [
  {
    group: "model",
    name: "answers random sequences of insert, replace, delete, get and list as the reference model does",
    async run(store, context) {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "medium" }), async (sequence) => {
          const user = context.newUser("model");
          const real: Real = { store, user, newId: () => context.newId("m") };
          await fc.asyncModelRun(() => ({ model: new StoreModel(), real }), sequence);
        }),
        context.fastCheck,
      );
    },
  },
];
