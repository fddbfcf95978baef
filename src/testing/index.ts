/**
 * `appointment-scheduler/testing`: the store contract (version 2) as a test kit. Run it against your own
 * {@link AppointmentStore} to prove it keeps the contract; see `docs/writing-a-store.md`.
 *
 * Needs the optional peer dependencies `fast-check` and `vitest` (this entry loads both, also when only
 * {@link storeContractCases} is used under another runner).
 *
 * @module
 */
export type { AppointmentStore } from "../store/appointment-store.js";
export {
  type CaseContext,
  type FastCheckOptions,
  newCaseContext,
  type StoreContractCase,
  type StoreContractGroup,
  type StoreContractOptions,
  type StoreFixture,
} from "./contract-case.js";
export { describeStoreContract } from "./describe-store-contract.js";
export { storeContractCases } from "./store-contract-cases.js";
