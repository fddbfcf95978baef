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
  /**
   * Time limit of each case, in milliseconds. Default 60 000. `describeStoreContract` gives it to vitest; the
   * fast-check properties stop at 80% of it, so that a slow store fails with the counterexample found so far
   * (or with "Property interrupted" when it could not finish `numRuns` in time) rather than a bare timeout.
   */
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
  /** The options for `fc.assert`: runs, the time budget, and the seed when one was given. */
  readonly fastCheck: FastCheckOptions;
}

/** The `fc.assert` parameters the kit's properties run with. */
export interface FastCheckOptions {
  readonly numRuns: number;
  /** 80% of `timeoutMs`: a property still running then stops, and fails. */
  readonly interruptAfterTimeLimit: number;
  readonly markInterruptAsFailure: true;
  readonly seed?: number;
  /**
   * Stop at the first failure without shrinking it to a smallest counterexample: for a run that only asks
   * whether a store fails (the kit's own tests), not why. Not set by {@link newCaseContext}.
   */
  readonly endOnFailure?: boolean;
}

/** The defaults of {@link StoreContractOptions}. */
export const DEFAULT_NUM_RUNS = 25;
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The groups of cases, each checking one side of the contract: `semantics` (each promise as examples),
 * `model` (random writes and reads against a reference model of the contract), `scheduler model` (random
 * scheduler operations against a reference of the seed's rule) and `concurrency` (parallel writes and races).
 */
export type StoreContractGroup = "semantics" | "model" | "scheduler model" | "concurrency";

/** One check of the contract. It rejects (with an assertion error) when the store breaks the contract. */
export interface StoreContractCase {
  /** Which part of the contract it checks. */
  readonly group: StoreContractGroup;
  readonly name: string;
  run(store: AppointmentStore, context: CaseContext): Promise<void>;
}

/** A case of `group`: `inGroup("semantics")(name, run)`, as each file of cases declares its own. */
export function inGroup(group: StoreContractGroup) {
  return (name: string, run: StoreContractCase["run"]): StoreContractCase => ({ group, name, run });
}

/**
 * A context whose names are unique per call: a random run prefix and a counter. Stores are shared by all
 * cases (creating one can be expensive), so isolation comes from never reusing a user id.
 */
export function newCaseContext(options: StoreContractOptions = {}): CaseContext {
  const numRuns = positiveInteger(options.numRuns, "numRuns", DEFAULT_NUM_RUNS);
  const concurrency = positiveInteger(options.concurrency, "concurrency", DEFAULT_CONCURRENCY);
  const timeoutMs = positiveInteger(options.timeoutMs, "timeoutMs", DEFAULT_TIMEOUT_MS);
  const run = randomUUID().replaceAll("-", "").slice(0, 12);
  let counter = 0;
  return {
    newUser: (label = "user") => `${label}-${run}-${counter++}`,
    newId: (label = "id") => `${label}-${run}-${counter++}`,
    numRuns,
    concurrency,
    fastCheck: {
      numRuns,
      interruptAfterTimeLimit: Math.floor(timeoutMs * 0.8),
      markInterruptAsFailure: true,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    },
  };
}

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

/** The store of a fixture, and how to release it (nothing to do for a bare store). */
export function openFixture(fixture: StoreFixture): { store: AppointmentStore; close(): Promise<void> } {
  if (isStore(fixture)) return { store: fixture, close: async () => {} };
  if (!isStore(fixture.store)) throw new TypeError("the fixture is neither an AppointmentStore nor { store, close? }");
  return { store: fixture.store, close: async () => fixture.close?.() };
}

function isStore(value: unknown): value is AppointmentStore {
  return typeof (value as Partial<AppointmentStore> | null)?.write === "function";
}
