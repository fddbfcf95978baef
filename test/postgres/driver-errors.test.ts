/**
 * How the store reads a driver's error: a server error (it has a SQLSTATE) means the statement's
 * transaction rolled back, so a typed error (nothing written); a statement never sent is
 * STORE_UNAVAILABLE; a connection lost in flight is rethrown as it is (the store cannot tell).
 */
import { PGlite } from "@electric-sql/pglite";
import { OperationTimedOutError, StoreUnavailableError, type WriteRequest } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import { describe, expect, it } from "vitest";
import { fromDriverError } from "../../src/postgres/driver-errors.js";

const serverError = (code: string) => Object.assign(new Error(`server says ${code}`), { severity: "ERROR", code });
const systemError = (code: string, message = code) => Object.assign(new Error(message), { code, syscall: "read" });

describe("fromDriverError", () => {
  it("reports a statement the server stopped on a deadline as TIMED_OUT, keeping the cause", () => {
    for (const code of ["57014", "55P03"]) {
      const error = serverError(code);
      const typed = fromDriverError(error);
      expect(typed).toBeInstanceOf(OperationTimedOutError);
      expect((typed as Error).cause).toBe(error);
    }
  });

  it("reports any other server error as STORE_UNAVAILABLE: its transaction rolled back", () => {
    for (const code of ["23505", "40001", "40P01", "53300", "57P01", "XX000", "22P02"]) {
      const error = serverError(code);
      const typed = fromDriverError(error);
      expect(typed).toBeInstanceOf(StoreUnavailableError);
      expect((typed as Error).cause).toBe(error);
    }
  });

  it("reports a statement that was never sent as STORE_UNAVAILABLE", () => {
    for (const error of [
      systemError("ECONNREFUSED"),
      systemError("ENOTFOUND"),
      new AggregateError([systemError("ECONNREFUSED"), systemError("ECONNREFUSED")], "connect failed"),
      new Error("timeout exceeded when trying to connect"),
      new Error("Connection terminated due to connection timeout"),
      new Error("Client was closed and is not queryable"),
      new Error("Cannot use a pool after calling end on the pool"),
      new Error("PGlite is closed"),
    ]) {
      expect(fromDriverError(error)).toBeInstanceOf(StoreUnavailableError);
    }
  });

  it("rethrows, as it is, a connection lost while the statement may have been in flight", () => {
    for (const error of [
      new Error("Connection terminated unexpectedly"),
      systemError("ECONNRESET"),
      systemError("EPIPE"), // five capitals, but no severity: not a SQLSTATE
      systemError("ETIMEDOUT"),
      "a string",
      undefined,
    ]) {
      expect(fromDriverError(error)).toBe(error);
    }
  });
});

describe("the store's errors on PGlite", () => {
  const request: WriteRequest = {
    userId: "u",
    change: { type: "cancel", id: "a", reason: null, earliestStartMs: null },
    atMs: 0,
    changeExpiresAtMs: 1,
  };

  it("reports a server error (here: no schema) as STORE_UNAVAILABLE with PGlite's error as cause", async () => {
    const db = await PGlite.create();
    try {
      const store = new PostgresStore(db, { tablePrefix: "never_migrated_" });
      const error = await store.write(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toMatchObject({ code: "42883" });
      // Reads report the same.
      await expect(store.getAppointment("u", "a")).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await db.close();
    }
  });

  it("reports a closed PGlite as STORE_UNAVAILABLE", async () => {
    const db = await PGlite.create();
    const store = new PostgresStore(db);
    await store.migrate();
    await db.close();
    await expect(store.write(request)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
