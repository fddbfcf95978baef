/** MemoryStore, the default store, against the whole store contract. */
import { MemoryStore } from "appointment-scheduler";
import { describeStoreContract } from "appointment-scheduler/testing";

describeStoreContract("MemoryStore", () => new MemoryStore(), { numRuns: 40 });
