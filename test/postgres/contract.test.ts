/** The PostgreSQL store against the whole store contract: on PGlite always, on the server when configured. */
import { describeStoreContract } from "appointment-scheduler/testing";
import { postgresTargets } from "./targets.js";

for (const target of postgresTargets) {
  describeStoreContract(`PostgresStore on ${target.name}`, () => target.open(), { numRuns: 15 });
}
