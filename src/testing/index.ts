/**
 * `appointment-scheduler/testing`: the store contract as a test kit. Run it against your own
 * {@link AppointmentStore} to prove it keeps the contract; see `docs/writing-a-store.md`.
 *
 * Needs the optional peer dependencies `fast-check`, and `vitest` for {@link describeStoreContract}.
 *
 * @module
 */
export type { AppointmentStore } from "../store/appointment-store.js";
export {
  type CaseContext,
  newCaseContext,
  type StoreContractCase,
  type StoreContractOptions,
  type StoreFixture,
} from "./contract-case.js";
export { describeStoreContract } from "./describe-store-contract.js";
export { storeContractCases } from "./store-contract-cases.js";
