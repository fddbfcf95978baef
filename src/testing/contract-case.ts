/**
 * The unit of the contract kit: a named check that runs against a store. Cases do not depend on a test
 * framework, so the kit can be run by vitest (`describeStoreContract`) or any other runner, and so that the
 * kit's own tests can prove each case fails against a store that breaks its rule.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { AppointmentStore } from "../store/appointment-store.js";

/** A store under test, and how to release it once its cases have run. */
export type StoreFixture = AppointmentStore | { readonly store: AppointmentStore; close?(): void | Promise<void> };

/** Options of the contract kit. */
export interface StoreContractOptions {
  /** Runs of each fast-check property (model-based sequences, races). Default 25. */
  readonly numRuns?: number;
  /** Operations sent at once in the concurrency checks. Default 16. */
  readonly concurrency?: number;
  /** Time limit of each case, in milliseconds (used by `describeStoreContract`). Default 60 000. */
  readonly timeoutMs?: number;
  /** fast-check's seed, to replay a failure it reported (`seed` in its message). Default: a new one each run. */
  readonly seed?: number;
}

/** What a case gets besides the store: fresh names, so that cases never see each other's records. */
export interface CaseContext {
  /** A user id no other case or run has used on this store. */
  newUser(label?: string): string;
  /** A record id no other case or run has used on this store. */
  newId(label?: string): string;
  readonly numRuns: number;
  readonly concurrency: number;
  /** The options for `fc.assert`: runs, and the seed when one was given. */
  readonly fastCheck: { readonly numRuns: number; readonly seed?: number };
}

/** One check of the contract. It rejects (with an assertion error) when the store breaks the contract. */
export interface StoreContractCase {
  /** Which part of the contract it checks: `semantics`, `model`, `scheduler model`, `concurrency`. */
  readonly group: string;
  readonly name: string;
  run(store: AppointmentStore, context: CaseContext): Promise<void>;
}

/**
 * A context whose names are unique per call: a random run prefix and a counter. Stores are shared by all
 * cases (creating one can be expensive), so isolation comes from never reusing a user id.
 */
export function newCaseContext(options: StoreContractOptions = {}): CaseContext {
  const run = randomUUID().slice(0, 8);
  let counter = 0;
  return {
    newUser: (label = "user") => `${label}-${run}-${counter++}`,
    newId: (label = "id") => `${label}-${run}-${counter++}`,
    numRuns: options.numRuns ?? 25,
    concurrency: options.concurrency ?? 16,
    fastCheck: {
      numRuns: options.numRuns ?? 25,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
  };
}

/** The store of a fixture. */
export function storeOf(fixture: StoreFixture): AppointmentStore {
  return "store" in fixture ? fixture.store : fixture;
}
