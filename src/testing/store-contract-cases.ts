/**
 * The whole contract as a list of cases, in the order they are best read and run.
 *
 * @module
 */

import { concurrencyCases } from "./concurrency-cases.js";
import type { StoreContractCase } from "./contract-case.js";
import { schedulerModelCases } from "./scheduler-model-cases.js";
import { semanticsCases } from "./semantics-cases.js";
import { storeModelCases } from "./store-model-cases.js";

/**
 * Every case of the store contract: `semantics` (the rules as examples), `model` (random sequences of store
 * operations against a reference model), `scheduler model` (random scheduler sequences in five time zones
 * against a reference of the seed's rule) and `concurrency` (parallel operations and fast-check races).
 * Use it to run the contract under a test runner other than vitest: run each case with one context from
 * `newCaseContext(options)`; a case rejects when the store breaks the contract.
 *
 * @example
 * ```ts
 * const context = newCaseContext({ numRuns: 10 });
 * for (const c of storeContractCases()) await c.run(store, context);
 * ```
 */
export function storeContractCases(): StoreContractCase[] {
  return [...semanticsCases, ...storeModelCases, ...schedulerModelCases, ...concurrencyCases];
}
