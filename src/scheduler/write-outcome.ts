/**
 * Waiting for a store's write, honestly. A store's answer is one of three things: the write committed (it
 * resolves), it did not (it rejects with a `SchedulerError`), or the store cannot tell (any other error: a
 * connection lost during the commit). And a caller's deadline can pass while the store is still writing:
 * the write may commit after the caller has gone. Both unknowns are reported as {@link OutcomeUnknownError},
 * never as an error that claims nothing was written, and the caller never waits past its deadline.
 *
 * @module
 */
import { isSchedulerError, OutcomeUnknownError } from "../errors/scheduler-errors.js";
import { settleUnlessAborted } from "./abort-waiters.js";

/**
 * Settles as the store's pending write does, or rejects with {@link OutcomeUnknownError} as soon as
 * `signal` fires while it is still pending.
 */
export function untilDeadline<T>(
  pending: Promise<T>,
  signal: AbortSignal,
  idempotencyKey: string | undefined,
): Promise<T> {
  return settleUnlessAborted(
    pending,
    signal,
    () => new OutcomeUnknownError(idempotencyKey ?? null, { cause: signal.reason }),
  );
}

/** A store's failure of a write as the caller sees it: the store's own typed error, or an unknown outcome. */
export function unknownUnlessTyped(error: unknown, idempotencyKey: string | undefined): unknown {
  return isSchedulerError(error) ? error : new OutcomeUnknownError(idempotencyKey ?? null, { cause: error });
}
