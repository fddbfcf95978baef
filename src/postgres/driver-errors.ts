/**
 * What a driver's error tells about a statement's fate. The store contract needs it for writes: a
 * `SchedulerError` promises that nothing was committed, and any other error means the store cannot tell
 * (the scheduler reports `OUTCOME_UNKNOWN`, and a retry with the same idempotency key settles it).
 *
 * - The server answered with an error (it carries a SQLSTATE): the statement's transaction rolled back, as
 *   every statement of the store is a transaction of its own. `57014` (`statement_timeout`, a cancel) and
 *   `55P03` (`lock_timeout`) are {@link OperationTimedOutError}; anything else {@link StoreUnavailableError}.
 * - The statement was never sent: the connection was refused, the pool found no connection in time, the
 *   client or pool was closed. {@link StoreUnavailableError}.
 * - Anything else, above all a connection lost while the statement was in flight (`Connection terminated
 *   unexpectedly`, `ECONNRESET`, a timeout of the socket): it may have committed just before. Rethrown as it
 *   is.
 *
 * Both node-postgres and PGlite raise the server's errors as `DatabaseError`s with `severity` and `code`.
 *
 * @module
 */
import { OperationTimedOutError, StoreUnavailableError } from "../errors/scheduler-errors.js";

/** SQLSTATEs of a statement the server stopped on a deadline: `statement_timeout` or a cancel, `lock_timeout`. */
const TIMED_OUT = new Set(["57014", "55P03"]);

/** Node.js error codes that only arise while connecting, before any statement is sent. */
const NOT_CONNECTED_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * Messages of node-postgres (`pg`, `pg-pool`) and PGlite for a statement that was not sent: the pool's
 * connection timeout, a connection that timed out while it was being opened, a closed client or pool.
 */
const NOT_SENT_MESSAGES = [
  "timeout exceeded when trying to connect",
  "Connection terminated due to connection timeout",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
  "PGlite is closed",
];

/**
 * The error to throw for the driver's `error`: see the module's documentation. Reads use it too; what it
 * knows is true of them as well, though a read that failed in flight has no outcome to be unsure of.
 */
export function fromDriverError(error: unknown): unknown {
  if (hasSqlState(error)) {
    return TIMED_OUT.has(error.code)
      ? new OperationTimedOutError({ cause: error })
      : new StoreUnavailableError(`The appointment store failed: ${error.message}`, { cause: error });
  }
  if (wasNotSent(error)) {
    return new StoreUnavailableError("The appointment store could not be reached", { cause: error });
  }
  return error;
}

/** An error the server sent: it has a SQLSTATE (five digits or capital letters) and a severity. */
function hasSqlState(error: unknown): error is { code: string; message: string } {
  if (typeof error !== "object" || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof severity === "string" && typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

function wasNotSent(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && NOT_CONNECTED_CODES.has(code)) return true;
  // pg-pool reports a refused connection of a pool as an AggregateError of the addresses it tried.
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every(wasNotSent)) return true;
  return typeof message === "string" && NOT_SENT_MESSAGES.some((text) => message.includes(text));
}
