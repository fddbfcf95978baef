/**
 * The whole contract as a list of cases, in the order they are best read and run.
 *
 * @module
 */
import { abortCases } from "./abort-cases.js";
import { concurrencyCases } from "./concurrency-cases.js";
import type { StoreContractCase } from "./contract-case.js";
import { feedCases } from "./feed-cases.js";
import { holdCases } from "./hold-cases.js";
import { idempotencyCases } from "./idempotency-cases.js";
import { listCases } from "./list-cases.js";
import { occupancyCases } from "./occupancy-cases.js";
import { raceCases } from "./race-cases.js";
import { resourceCases } from "./resource-cases.js";
import { resourceModelCases } from "./resource-model-cases.js";
import { schedulerCases } from "./scheduler-cases.js";
import { schedulerModelCases } from "./scheduler-model-cases.js";
import { storeModelCases } from "./store-model-cases.js";
import { writeCases } from "./write-cases.js";

/**
 * Every case of the store contract: `semantics` (each promise as examples: writes, occupancy, resources,
 * holds and resource choices, idempotency, the feed, reads, signals), `model` (random sequences of writes and reads against a reference
 * model of the contract, also of users sharing resources), `scheduler model` (random scheduler sequences in
 * five time zones against a reference of the seed's rule, and limits across a change of policy or zone) and
 * `concurrency` (parallel writes, a feed read while writes commit, and fast-check races, also on a shared
 * resource). Use it to run the contract under a test runner other than vitest: run each case with one
 * context from `newCaseContext(options)`; a case rejects when the store breaks the contract.
 *
 * @example
 * ```ts
 * const context = newCaseContext({ numRuns: 10 });
 * for (const c of storeContractCases()) await c.run(store, context);
 * ```
 */
export function storeContractCases(): StoreContractCase[] {
  return [
    ...writeCases,
    ...occupancyCases,
    ...resourceCases,
    ...holdCases,
    ...idempotencyCases,
    ...feedCases,
    ...listCases,
    ...abortCases,
    ...storeModelCases,
    ...resourceModelCases,
    ...schedulerCases,
    ...schedulerModelCases,
    ...concurrencyCases,
    ...raceCases,
  ];
}
