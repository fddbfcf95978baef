/**
 * The SQLite store against the whole store contract: on a database file of better-sqlite3 always, and of
 * `node:sqlite` when this Node.js has it (skipped, and saying so, when not); with `synchronous` at its
 * default (FULL) and at NORMAL.
 */
import { describeStoreContract } from "appointment-scheduler/testing";
import { describe } from "vitest";
import { openStore, sqliteTargets } from "./targets.js";

describe.each(sqliteTargets)("SqliteStore on $name", (target) => {
  describe.runIf(target.available)("in a WAL database file", () => {
    describeStoreContract("SqliteStore", () => openStore(target));
    describeStoreContract("SqliteStore with synchronous NORMAL", () => openStore(target, { synchronous: "NORMAL" }), {
      numRuns: 10,
    });
  });
});
