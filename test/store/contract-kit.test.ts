/**
 * The kit can fail: each broken store breaks one rule, and the groups of cases that guard that rule must
 * reject it. (A kit that passes everything would prove nothing about a user's store.)
 */
import { type AppointmentStore, MemoryStore } from "appointment-scheduler";
import {
  describeStoreContract,
  newCaseContext,
  type StoreContractCase,
  type StoreContractGroup,
  storeContractCases,
} from "appointment-scheduler/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  CheckThenInsertStore,
  CountsReplacedStore,
  ExclusiveWindowStartStore,
  FirstFullPeriodConflictStore,
  ForeignReplacesStore,
  IgnoresReplacesStore,
  InclusiveRangeStore,
  LeakyGetStore,
  LimitOneStore,
  LocaleOrderStore,
  LosesRecordOnRefusedMoveStore,
  NoLimitStore,
  RacyMoveStore,
  SharedReferenceStore,
  UnsortedListStore,
} from "./broken-stores.js";

const cases = storeContractCases();
const groups: StoreContractGroup[] = ["semantics", "model", "scheduler model", "concurrency"];
// A fixed seed: the kit must catch each broken store on every run of CI, not on most.
const options = { numRuns: 25, concurrency: 8, seed: 20211 };

/** Whether some case of `selected` rejects the store (each case gets a new one). Stops at the first. */
async function catches(selected: StoreContractCase[], makeStore: () => AppointmentStore): Promise<boolean> {
  const context = newCaseContext(options);
  for (const contractCase of selected) {
    try {
      await contractCase.run(makeStore(), context);
    } catch {
      return true;
    }
  }
  return false;
}

const inGroup = (group: StoreContractGroup) => cases.filter((c) => c.group === group);
const named = (fragment: string) => cases.filter((c) => c.name.includes(fragment));

/** Each broken store, and the groups that must each catch it on their own. */
const brokenStores: [new () => AppointmentStore, StoreContractGroup[]][] = [
  [CheckThenInsertStore, ["concurrency"]],
  [RacyMoveStore, ["concurrency"]],
  [NoLimitStore, groups],
  [LimitOneStore, groups],
  [IgnoresReplacesStore, groups],
  [CountsReplacedStore, groups],
  [LosesRecordOnRefusedMoveStore, groups],
  [UnsortedListStore, ["semantics", "model", "scheduler model"]],
  [InclusiveRangeStore, ["semantics", "model", "scheduler model"]],
  [ForeignReplacesStore, ["semantics", "model"]],
  [FirstFullPeriodConflictStore, ["semantics", "model"]],
  [LeakyGetStore, ["semantics", "model"]],
  [LocaleOrderStore, ["semantics"]],
  [SharedReferenceStore, ["semantics"]],
  [ExclusiveWindowStartStore, ["model"]],
];

describe("the store contract kit", () => {
  it("has cases in every group, with unique names", () => {
    expect(new Set(cases.map((c) => c.group))).toEqual(new Set(groups));
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it("passes MemoryStore in every group, with the options that catch the broken stores", async () => {
    for (const group of groups) expect(await catches(inGroup(group), () => new MemoryStore()), group).toBe(false);
  });

  describe.each(brokenStores)("catches %O", (BrokenStore, catchingGroups) => {
    it.each(catchingGroups)("in its %s cases", async (group) => {
      expect(await catches(inGroup(group), () => new BrokenStore())).toBe(true);
    });
  });

  it("catches every race with fast-check's scheduler alone", async () => {
    const race = named("any interleaving");
    expect(race).toHaveLength(1);
    for (const BrokenStore of [CheckThenInsertStore, RacyMoveStore, LosesRecordOnRefusedMoveStore, NoLimitStore]) {
      expect(await catches(race, () => new BrokenStore()), BrokenStore.name).toBe(true);
    }
  });

  it("catches a cancel and a move that both succeed, sent in either order", async () => {
    expect(await catches(named("never lets a cancel and a move"), () => new RacyMoveStore())).toBe(true);
  });

  it("stops a property that outlives 80% of timeoutMs, failing rather than passing with fewer runs", async () => {
    const slow = new SlowStore(new MemoryStore(), 20);
    const [model] = inGroup("model");
    const started = Date.now();
    await expect(model?.run(slow, newCaseContext({ timeoutMs: 500 }))).rejects.toThrow(/interrupted/i);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses options that are not positive integers", () => {
    expect(() => newCaseContext({ numRuns: 0 })).toThrow(RangeError);
    expect(() => newCaseContext({ concurrency: 2.5 })).toThrow(RangeError);
    expect(() => newCaseContext({ timeoutMs: -1 })).toThrow(RangeError);
  });
});

describe("describeStoreContract", () => {
  // A fixture with `close`: the kit calls it once, after the block's cases.
  const close = vi.fn();
  describeStoreContract("MemoryStore as { store, close }", () => ({ store: new MemoryStore(), close }), {
    numRuns: 3,
    concurrency: 4,
  });
  afterAll(() => {
    expect(close).toHaveBeenCalledOnce();
  });
});

/** A correct store that answers every call `delayMs` late. */
class SlowStore implements AppointmentStore {
  constructor(
    private readonly inner: AppointmentStore,
    private readonly delayMs: number,
  ) {}
  #later<T>(value: Promise<T>): Promise<T> {
    return new Promise((resolve) => setTimeout(resolve, this.delayMs)).then(() => value);
  }
  insertAppointment(...args: Parameters<AppointmentStore["insertAppointment"]>) {
    return this.#later(this.inner.insertAppointment(...args));
  }
  listAppointments(...args: Parameters<AppointmentStore["listAppointments"]>) {
    return this.#later(this.inner.listAppointments(...args));
  }
  getAppointment(...args: Parameters<AppointmentStore["getAppointment"]>) {
    return this.#later(this.inner.getAppointment(...args));
  }
  deleteAppointment(...args: Parameters<AppointmentStore["deleteAppointment"]>) {
    return this.#later(this.inner.deleteAppointment(...args));
  }
}
