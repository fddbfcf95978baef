/**
 * The kit can fail: each broken store breaks one rule, and the group of cases that guards that rule must
 * reject it. (A kit that passes everything would prove nothing about a user's store.)
 */
import { MemoryStore } from "appointment-scheduler";
import { newCaseContext, storeContractCases } from "appointment-scheduler/testing";
import { describe, expect, it } from "vitest";
import {
  CheckThenInsertStore,
  IgnoresReplacesStore,
  LeakyGetStore,
  LosesRecordOnRefusedMoveStore,
  NoLimitStore,
  RacyMoveStore,
  UnsortedListStore,
} from "./broken-stores.js";

const cases = storeContractCases();
// A fixed seed: the kit must catch each broken store on every run of CI, not on most.
const context = () => newCaseContext({ numRuns: 25, concurrency: 8, seed: 20211 });

/** The names of the cases in `group` that `store` fails. */
async function failedCases(group: string, makeStore: () => MemoryStore | object): Promise<string[]> {
  const failed: string[] = [];
  for (const contractCase of cases.filter((c) => c.group === group)) {
    try {
      await contractCase.run(makeStore() as MemoryStore, context());
    } catch {
      failed.push(contractCase.name);
    }
  }
  return failed;
}

describe("the store contract kit", () => {
  it("has cases in every group", () => {
    expect(new Set(cases.map((c) => c.group))).toEqual(
      new Set(["semantics", "model", "scheduler model", "concurrency"]),
    );
  });

  it.each([
    ["semantics", NoLimitStore],
    ["semantics", IgnoresReplacesStore],
    ["semantics", UnsortedListStore],
    ["semantics", LeakyGetStore],
    ["semantics", LosesRecordOnRefusedMoveStore],
    ["model", NoLimitStore],
    ["model", IgnoresReplacesStore],
    ["model", UnsortedListStore],
    ["model", LosesRecordOnRefusedMoveStore],
    ["scheduler model", NoLimitStore],
    ["scheduler model", IgnoresReplacesStore],
    ["concurrency", CheckThenInsertStore],
    ["concurrency", RacyMoveStore],
  ])("its %s cases catch %O", async (group, BrokenStore) => {
    expect(await failedCases(group, () => new BrokenStore())).not.toEqual([]);
  });

  it("passes MemoryStore in every group (the broken stores differ from it in one rule only)", async () => {
    for (const group of ["semantics", "concurrency"])
      expect(await failedCases(group, () => new MemoryStore())).toEqual([]);
  });
});
