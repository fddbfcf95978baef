/**
 * Turns the driver's errors into the library's where the meaning is certain. Both node-postgres and PGlite
 * put the server's SQLSTATE in `code`.
 *
 * @module
 */
import { OperationTimedOutError } from "../errors/scheduler-errors.js";

/**
 * SQLSTATEs of a statement the server stopped before it committed: `statement_timeout` or a cancel
 * (57014), `lock_timeout` (55P03). Reporting these as a timeout is safe: nothing was written.
 */
const STOPPED_BEFORE_COMMIT = new Set(["57014", "55P03"]);

/**
 * The error to throw for `error`: a server-side timeout becomes {@link OperationTimedOutError}; anything
 * else (connection refused or lost, server restarting) is returned as it is, and the scheduler reports it
 * as `StoreUnavailableError`.
 */
export function fromDriverError(error: unknown): unknown {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && STOPPED_BEFORE_COMMIT.has(code)) return new OperationTimedOutError({ cause: error });
  return error;
}
