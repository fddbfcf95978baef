/**
 * The contract kit for vitest: one `describe` block per store, one test per case.
 *
 * @module
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import type { AppointmentStore } from "../store/appointment-store.js";
import {
  type CaseContext,
  newCaseContext,
  type StoreContractOptions,
  type StoreFixture,
  storeOf,
} from "./contract-case.js";
import { storeContractCases } from "./store-contract-cases.js";

/**
 * Declares, in vitest, the tests that prove `factory`'s store keeps the {@link AppointmentStore} contract:
 * atomic per user, the exact semantics of each method, and no double booking under concurrency.
 *
 * The factory is called once for the whole block; cases keep apart by using fresh user ids, so the store
 * may already hold data, and several blocks may share one database.
 *
 * @example
 * ```ts
 * import { describeStoreContract } from "appointment-scheduler/testing";
 *
 * describeStoreContract("MyRedisStore", async () => {
 *   const client = await connect();
 *   return { store: new MyRedisStore(client), close: () => client.quit() };
 * });
 * ```
 */
export function describeStoreContract(
  name: string,
  factory: () => StoreFixture | Promise<StoreFixture>,
  options: StoreContractOptions = {},
): void {
  describe(`${name} keeps the AppointmentStore contract`, () => {
    let fixture: StoreFixture | undefined;
    let context: CaseContext;
    beforeAll(async () => {
      fixture = await factory();
      context = newCaseContext(options);
    });
    afterAll(async () => {
      if (fixture && "store" in fixture) await fixture.close?.();
    });

    const groups = new Map<string, ReturnType<typeof storeContractCases>>();
    for (const contractCase of storeContractCases()) {
      groups.set(contractCase.group, [...(groups.get(contractCase.group) ?? []), contractCase]);
    }
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const contractCase of cases) {
          it(
            contractCase.name,
            () => contractCase.run(storeOf(fixture as StoreFixture), context),
            options.timeoutMs ?? 60_000,
          );
        }
      });
    }
  });
}
