/**
 * Regression (fast-check seed 1817314696, found on a fresh clone): the contract kit's scheduler race of
 * books, moves, cancels and retries on SqliteStore with synchronous NORMAL. Once `reschedule` read the
 * appointment before every move, it also made plain appointments' moves conditional on the version read;
 * moves of one appointment interleaved so that each of the three attempts found it moved again, and the
 * caller got STORE_UNAVAILABLE. A move is now conditional only when something read (a type, a resource)
 * decides it.
 */
import { newCaseContext, storeContractCases } from "appointment-scheduler/testing";
import { describe, expect, it } from "vitest";
import { openStore, sqliteTargets } from "./targets.js";

const [betterSqlite3] = sqliteTargets;

describe.runIf(betterSqlite3?.available)("a race of moves of one plain appointment", () => {
  it("never runs out of attempts (the seed that did)", async () => {
    const race = storeContractCases().filter((c) => c.name.includes("any interleaving of books, moves, cancels"));
    expect(race).toHaveLength(1);
    const opened = await openStore(betterSqlite3 as NonNullable<typeof betterSqlite3>, { synchronous: "NORMAL" });
    try {
      await race[0]?.run(opened.store, newCaseContext({ numRuns: 10, seed: 1817314696 }));
    } finally {
      await opened.close();
    }
  }, 120_000);
});
