/**
 * The PostgreSQL store against the whole store contract: on PGlite always, on the server when configured
 * (skipped, and saying so, when not).
 */
import { describeStoreContract } from "appointment-scheduler/testing";
import { describeEachTarget, postgresTargets } from "./targets.js";

describeEachTarget(postgresTargets)("PostgresStore on $name", (target) => {
  describeStoreContract("PostgresStore", () => target.open(), { numRuns: 15 });
});
