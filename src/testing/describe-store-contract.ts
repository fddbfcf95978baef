/**
 * The contract kit for vitest: one `describe` block per store, one nested block per group, one test per case.
 *
 * @module
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import type { AppointmentStore } from "../store/appointment-store.js";
import {
  type CaseContext,
  DEFAULT_TIMEOUT_MS,
  newCaseContext,
  openFixture,
  type StoreContractCase,
  type StoreContractOptions,
  type StoreFixture,
} from "./contract-case.js";
import { storeContractCases } from "./store-contract-cases.js";

/**
 * Declares, in vitest, the tests that prove `factory`'s store keeps the {@link AppointmentStore} contract:
 * the exact semantics of each method, answers equal to a reference model's, the booking rules through a
 * scheduler, and no double booking under concurrency.
 *
 * The factory is called once for the whole block (in `beforeAll`), and `close` once after it (in
 * `afterAll`). Cases keep apart by using fresh user ids, so the store may already hold data, and several
 * blocks may share one database.
 *
 * @param name - names the block: `<name> keeps the AppointmentStore contract`.
 * @param factory - creates the store under test: the store itself, or `{ store, close }`.
 * @param options - runs, parallelism and time limit; see {@link StoreContractOptions}.
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
  // Validates the options at once, where a mistake is reported against the block rather than every test.
  newCaseContext(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  describe(`${name} keeps the AppointmentStore contract`, () => {
    let opened: { store: AppointmentStore; close(): Promise<void> } | undefined;
    let context: CaseContext;
    beforeAll(async () => {
      opened = openFixture(await factory());
      context = newCaseContext(options);
    }, timeoutMs);
    afterAll(async () => {
      await opened?.close();
    }, timeoutMs);

    const groups = new Map<string, StoreContractCase[]>();
    for (const contractCase of storeContractCases()) {
      groups.set(contractCase.group, [...(groups.get(contractCase.group) ?? []), contractCase]);
    }
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const contractCase of cases) {
          it(
            contractCase.name,
            async () => {
              if (!opened) throw new Error("the store factory failed; see the error of beforeAll");
              await contractCase.run(opened.store, context);
            },
            timeoutMs,
          );
        }
      });
    }
  });
}
