/**
 * What a driver's error tells about a write's fate. The store contract needs it: a `SchedulerError` promises
 * that nothing was committed, and any other error means the store cannot tell (the scheduler reports
 * `OUTCOME_UNKNOWN`, and a retry with the same idempotency key settles it).
 *
 * A write is one `BEGIN IMMEDIATE … COMMIT` on one connection, run without a pause, so its fate follows from
 * where the error arose:
 *
 * - **Before or at `BEGIN IMMEDIATE`** (a closed database, a statement that cannot be prepared, the write lock
 *   still held by another connection when `busy_timeout` ran out: `SQLITE_BUSY`): nothing was written.
 *   {@link StoreUnavailableError}.
 * - **Between `BEGIN` and `COMMIT`**: the transaction is rolled back (or SQLite already rolled it back), so
 *   nothing was written: {@link StoreUnavailableError} for the database's failures (`SQLITE_IOERR`,
 *   `SQLITE_FULL`, `SQLITE_CORRUPT`, …). A constraint violation, a misuse of the driver or an error that is
 *   not SQLite's means a bug, and is rethrown as it is (so that it is seen), as is any error when the
 *   rollback itself failed.
 * - **At `COMMIT`**: the transaction may have been written (an I/O error while its frames reached the
 *   disk): rethrown as it is, an unknown outcome.
 *
 * better-sqlite3 raises `SqliteError`s whose `code` is the extended result code's name (`SQLITE_BUSY`,
 * `SQLITE_CONSTRAINT_UNIQUE`); `node:sqlite` raises errors with `code: "ERR_SQLITE_ERROR"` and the extended
 * result code as a number in `errcode`. A closed database is a `TypeError` ("The database connection is not
 * open") in the first, an `ERR_INVALID_STATE` ("database is not open", or "statement has been finalized" for
 * a statement prepared before) in the second.
 *
 * @module
 */
import { StoreUnavailableError } from "../errors/scheduler-errors.js";

/** The primary result codes, by number (the low byte of an extended code). */
const PRIMARY_CODES: Readonly<Record<number, string>> = {
  1: "SQLITE_ERROR",
  2: "SQLITE_INTERNAL",
  3: "SQLITE_PERM",
  4: "SQLITE_ABORT",
  5: "SQLITE_BUSY",
  6: "SQLITE_LOCKED",
  7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY",
  9: "SQLITE_INTERRUPT",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  12: "SQLITE_NOTFOUND",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  15: "SQLITE_PROTOCOL",
  16: "SQLITE_EMPTY",
  17: "SQLITE_SCHEMA",
  18: "SQLITE_TOOBIG",
  19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH",
  21: "SQLITE_MISUSE",
  22: "SQLITE_NOLFS",
  23: "SQLITE_AUTH",
  24: "SQLITE_FORMAT",
  25: "SQLITE_RANGE",
  26: "SQLITE_NOTADB",
};

/** Primary codes that mean the store's own mistake, not the database's state: rethrown, to be seen. */
const BUG_CODES = new Set(["SQLITE_CONSTRAINT", "SQLITE_MISMATCH", "SQLITE_MISUSE", "SQLITE_RANGE"]);

/** Primary codes of a lock that another connection held for longer than `busy_timeout`. */
const LOCKED_CODES = new Set(["SQLITE_BUSY", "SQLITE_LOCKED"]);

/**
 * The primary result code of an error SQLite raised through either driver (`"SQLITE_BUSY"`), or `undefined`
 * for any other error.
 */
export function sqlitePrimaryCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    // better-sqlite3: the extended code's name, SQLITE_<PRIMARY>[_<DETAIL>].
    const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
    return primary;
  }
  if (code === "ERR_SQLITE_ERROR") {
    if (typeof errcode === "number") return PRIMARY_CODES[errcode & 0xff] ?? "SQLITE_ERROR";
    // Without errcode (not seen in the releases tried), the message is SQLite's own text for the code.
    if (typeof message === "string" && /database (table )?is locked/.test(message)) return "SQLITE_BUSY";
    return "SQLITE_ERROR";
  }
  return undefined;
}

/** Whether `error` says that the database has been closed (by either driver). */
export function isClosedDatabaseError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== "string") return false;
  return (
    (error instanceof TypeError && message === "The database connection is not open") ||
    // node:sqlite: the database, or a statement prepared before it was closed.
    (code === "ERR_INVALID_STATE" && /database is not open|statement has been finalized/.test(message))
  );
}

/** Whether `error` is SQLite's answer to a ROLLBACK with no transaction open (SQLite rolled it back itself). */
export function isNoTransactionError(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return sqlitePrimaryCode(error) === "SQLITE_ERROR" && typeof message === "string" && /no transaction/.test(message);
}

/**
 * The error to throw for `error`, raised where nothing can have been written: before `BEGIN IMMEDIATE`, by
 * it, by a read, or inside a transaction that was then rolled back (`rolledBack`). See the module's
 * documentation; `busyTimeoutMs` is for the message.
 */
export function fromDriverError(
  error: unknown,
  { busyTimeoutMs, inTransaction = false }: { busyTimeoutMs: number; inTransaction?: boolean },
): unknown {
  if (isClosedDatabaseError(error)) {
    return new StoreUnavailableError("The appointment store's SQLite database is closed", { cause: error });
  }
  const code = sqlitePrimaryCode(error);
  if (code === undefined) return error;
  if (LOCKED_CODES.has(code)) {
    return new StoreUnavailableError(
      `The appointment store's SQLite database stayed locked by another connection for longer than its busy timeout (${busyTimeoutMs} ms)`,
      { cause: error },
    );
  }
  // A constraint violation or misuse in a write's transaction is the store's bug. (Before the write
  // began, one of these only arises from a statement that could not run at all.)
  if (inTransaction && BUG_CODES.has(code)) return error;
  return new StoreUnavailableError(`The appointment store failed: ${(error as Error).message}`, { cause: error });
}
