/**
 * The kit can fail: each broken store breaks one promise, and the groups of cases that guard that promise
 * must reject it. (A kit that passes everything would prove nothing about a user's store.) And it passes
 * two correct stores written apart: MemoryStore, and the reference store of this folder.
 */
import { type AppointmentStore, MemoryStore } from "appointment-scheduler";
import {
  type CaseContext,
  describeStoreContract,
  newCaseContext,
  type StoreContractCase,
  type StoreContractGroup,
  storeContractCases,
} from "appointment-scheduler/testing";
import { afterAll, describe, expect, it, vi } from "vitest";
import * as broken from "./broken-stores.js";
import { ReferenceStore } from "./reference-store.js";

const cases = storeContractCases();
const groups: StoreContractGroup[] = ["semantics", "model", "scheduler model", "concurrency"];
const ALL = groups;

/**
 * A context for a run that only asks whether a case fails: a fixed seed, so that the kit catches each broken
 * store on every run of CI, not on most; and no shrinking of a failure found.
 */
function quickContext(): CaseContext {
  const context = newCaseContext({ numRuns: 100, concurrency: 8, seed: 20211 });
  return { ...context, fastCheck: { ...context.fastCheck, endOnFailure: true } };
}

/** The first case of `selected` that rejects the store (each case gets a new one), or `null`. */
async function firstCatch(selected: StoreContractCase[], makeStore: () => AppointmentStore): Promise<string | null> {
  const context = quickContext();
  for (const contractCase of selected) {
    try {
      await contractCase.run(makeStore(), context);
    } catch {
      return contractCase.name;
    }
  }
  return null;
}

const inGroup = (group: StoreContractGroup) => cases.filter((c) => c.group === group);
const named = (fragment: string) => cases.filter((c) => c.name.includes(fragment));

/** Each broken store, and the groups that must each catch it on their own. */
const brokenStores: [new () => AppointmentStore, StoreContractGroup[]][] = [
  // Atomicity: only concurrent writes can show these.
  [broken.CheckThenWriteStore, ["concurrency"]],
  [broken.RacyKeyStore, ["concurrency"]],
  [broken.PositionBeforeCommitStore, ["concurrency"]],
  [broken.CommitsThenRejectsStore, ["semantics", "concurrency"]],
  // Limits and overlaps.
  [broken.NoLimitStore, ALL],
  [broken.LimitOneStore, ALL],
  [broken.CountsCancelledStore, ["semantics", "model", "scheduler model"]],
  [broken.CountsMovedRecordStore, ALL],
  [broken.InstantPeriodsStore, ["semantics", "model", "scheduler model"]],
  [broken.InclusivePeriodEndStore, ["semantics", "model"]],
  [broken.IgnoresOverlapStore, ALL],
  [broken.TouchingOverlapStore, ["semantics", "model", "scheduler model"]],
  [broken.OverlapBeforeLimitStore, ["semantics", "model", "scheduler model"]],
  [broken.FirstFullPeriodConflictStore, ["semantics", "model"]],
  [broken.ExclusiveWindowStartStore, ["semantics", "model"]],
  // Records.
  [broken.CancelDeletesStore, ALL],
  [broken.MoveNewIdStore, ALL],
  [broken.ForgetsPreviousTimesStore, ["semantics", "model", "concurrency"]],
  [broken.VersionKeptStore, ["semantics", "model", "concurrency"]],
  [broken.MoveKeepsLocalTimesStore, ALL],
  [broken.ChangesCancelledStore, ALL],
  [broken.IgnoresEarliestStartStore, ["semantics"]],
  [broken.FreesUsedTimeStore, ["semantics", "model"]],
  [broken.OverlapsUsedTimeStore, ["semantics", "model"]],
  [broken.OverwritesIdStore, ["semantics", "model"]],
  [broken.GlobalIdsStore, ["semantics", "model"]],
  [broken.IdTakenAmongCandidatesStore, ["semantics"]],
  [broken.ForeignRecordStore, ["semantics", "model"]],
  [broken.RefusedMoveLosesRecordStore, ALL],
  [broken.SharedReferenceStore, ["semantics"]],
  // Idempotency keys.
  [broken.IgnoresKeyStore, ALL],
  [broken.ReplayNotFlaggedStore, ["semantics", "model", "concurrency"]],
  [broken.ReplaysCurrentRecordStore, ["semantics", "model", "scheduler model"]],
  [broken.RefusalsNotKeptStore, ["semantics", "model", "scheduler model"]],
  [broken.KeepsKeyReusedStore, ALL],
  [broken.KeysNeverExpireStore, ["semantics", "model"]],
  [broken.InclusiveKeyExpiryStore, ["semantics", "model"]],
  [broken.GlobalKeysStore, ["semantics", "model", "concurrency"]],
  // The feed.
  [broken.EventForRefusalStore, ALL],
  [broken.EventOnReplayStore, ALL],
  [broken.DoubleEventStore, ALL],
  [broken.NoCancelEventStore, ALL],
  [broken.MoveEventWithoutPreviousStore, ["semantics", "model", "scheduler model"]],
  [broken.ReversedPagesStore, ALL],
  [broken.PagingSkipsStore, ALL],
  [broken.LeakyFeedStore, ALL],
  [broken.PurgesLiveStore, ["semantics"]],
  // Reads.
  [broken.ListIgnoresStatusStore, ALL],
  [broken.HoldingListsAllStore, ["semantics", "scheduler model"]],
  [broken.UnsortedListStore, ALL],
  [broken.LocaleOrderStore, ["semantics"]],
  [broken.InclusiveRangeStore, ["semantics", "model", "scheduler model"]],
  [broken.ListAfterByStartStore, ["semantics", "model"]],
  [broken.LeakyGetStore, ["semantics", "model"]],
  // Resources.
  [broken.ResourceStartInstantStore, ["semantics", "model", "concurrency"]],
  [broken.ResourceIgnoresBuffersStore, ["semantics", "model", "concurrency"]],
  [broken.ResourceCheckThenInsertStore, ["concurrency"]],
  // Holds and choices.
  [broken.CountsExpiredHoldsStore, ["semantics", "model", "concurrency"]],
  [broken.ConfirmsExpiredHoldStore, ["semantics", "model"]],
  [broken.ChoiceFromTheEndStore, ["semantics", "model", "concurrency"]],
  [broken.HintAsRangeStore, ["semantics"]],
];

describe("the store contract kit", () => {
  it("has cases in every group, with unique names", () => {
    expect(new Set(cases.map((c) => c.group))).toEqual(new Set(groups));
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it("has a broken store for every store the test folder defines", () => {
    expect(new Set(brokenStores.map(([Store]) => Store))).toEqual(new Set(Object.values(broken)));
  });

  it.each([
    ["MemoryStore", () => new MemoryStore()],
    ["the reference store", () => new ReferenceStore()],
  ])(
    "passes %s in every group, with the options that catch the broken stores",
    async (_, makeStore) => {
      for (const group of groups) expect(await firstCatch(inGroup(group), makeStore), group).toBeNull();
      // Every case of every group at 100 runs: the scheduler models alone take some 20 s of a loaded machine.
    },
    120_000,
  );

  describe.each(brokenStores)("catches %O", (BrokenStore, catchingGroups) => {
    it.each(catchingGroups)("in its %s cases", async (group) => {
      expect(await firstCatch(inGroup(group), () => new BrokenStore())).not.toBeNull();
    });
  });

  it("catches every race, and every retry that answers differently, with fast-check's scheduler alone", async () => {
    const race = named("any interleaving");
    expect(race).toHaveLength(1);
    for (const BrokenStore of [
      broken.CheckThenWriteStore,
      broken.RacyKeyStore,
      broken.IgnoresKeyStore,
      broken.RefusedMoveLosesRecordStore,
      broken.NoLimitStore,
    ]) {
      expect(await firstCatch(race, () => new BrokenStore()), BrokenStore.name).not.toBeNull();
    }
  });

  it("catches resource races, and capacity counted wrong, with the resource cases alone", async () => {
    const race = named("booking and holding on one or two resources at once");
    expect(race).toHaveLength(1);
    for (const BrokenStore of [
      broken.ResourceCheckThenInsertStore,
      broken.CheckThenWriteStore,
      broken.ResourceStartInstantStore,
      broken.ResourceIgnoresBuffersStore,
      broken.CountsExpiredHoldsStore,
    ]) {
      expect(await firstCatch(race, () => new BrokenStore()), BrokenStore.name).not.toBeNull();
    }
    // Moves and cancels racing bookings: a store that checks and then writes lets a move into a full span.
    const moves = named("moves, cancels and bookings of one resource at once");
    expect(moves).toHaveLength(1);
    for (const BrokenStore of [broken.ResourceCheckThenInsertStore, broken.CheckThenWriteStore]) {
      expect(await firstCatch(moves, () => new BrokenStore()), BrokenStore.name).not.toBeNull();
    }
    const model = named("on two resources as a reference model does");
    expect(model).toHaveLength(1);
    const examples = cases.filter((c) => c.group === "semantics" && /resource|capacity|span/i.test(c.name));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const BrokenStore of [broken.ResourceStartInstantStore, broken.ResourceIgnoresBuffersStore]) {
      expect(await firstCatch(model, () => new BrokenStore()), BrokenStore.name).not.toBeNull();
      expect(await firstCatch(examples, () => new BrokenStore()), BrokenStore.name).not.toBeNull();
    }
    // Writes that claim no resource stay atomic in it: only the resource's races show it.
    expect(await firstCatch(named("any interleaving"), () => new broken.ResourceCheckThenInsertStore())).toBeNull();
  });

  it("catches a cancel and a move that both apply to the record they read, sent in either order", async () => {
    const [serial] = named("orders concurrent moves and cancels");
    expect(serial).toBeDefined();
    expect(await firstCatch(serial ? [serial] : [], () => new broken.CheckThenWriteStore())).not.toBeNull();
  });

  it("catches a feed that shows a later position before an earlier one commits, with a consumer reading", async () => {
    const consumer = named("a consumer reading the feed");
    expect(consumer).toHaveLength(1);
    expect(await firstCatch(consumer, () => new broken.PositionBeforeCommitStore())).not.toBeNull();
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
  write(...args: Parameters<AppointmentStore["write"]>) {
    return this.#later(this.inner.write(...args));
  }
  listAppointments(...args: Parameters<AppointmentStore["listAppointments"]>) {
    return this.#later(this.inner.listAppointments(...args));
  }
  listResourceAppointments(...args: Parameters<AppointmentStore["listResourceAppointments"]>) {
    return this.#later(this.inner.listResourceAppointments(...args));
  }
  getAppointment(...args: Parameters<AppointmentStore["getAppointment"]>) {
    return this.#later(this.inner.getAppointment(...args));
  }
  readChanges(...args: Parameters<AppointmentStore["readChanges"]>) {
    return this.#later(this.inner.readChanges(...args));
  }
  purgeExpired(...args: Parameters<AppointmentStore["purgeExpired"]>) {
    return this.#later(this.inner.purgeExpired(...args));
  }
}
