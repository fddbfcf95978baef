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

/**
 * Resolves as the store's `write` does, or rejects with the store's own `SchedulerError` (not committed), or
 * with {@link OutcomeUnknownError} when the store threw anything else or `signal` fired first. Without a
 * signal the store's promise is returned as it is (one promise less per write): pass what it rejects with
 * through {@link unknownUnlessTyped}.
 */
export function writeOutcome<T>(
  write: () => Promise<T>,
  signal: AbortSignal | undefined,
  idempotencyKey: string | undefined,
): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = write();
  } catch (error) {
    // A store that throws instead of rejecting: it may have written nothing, but it did not say so.
    return Promise.reject(unknownUnlessTyped(error, idempotencyKey));
  }
  if (!signal) return pending; // the caller reads its rejection with unknownUnlessTyped
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new OutcomeUnknownError(idempotencyKey ?? null, { cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(unknownUnlessTyped(error, idempotencyKey));
      },
    );
  });
}

/** A store's rejection of a write as the caller sees it: the store's own typed error, or an unknown outcome. */
export function unknownUnlessTyped(error: unknown, idempotencyKey: string | undefined): unknown {
  return isSchedulerError(error) ? error : new OutcomeUnknownError(idempotencyKey ?? null, { cause: error });
}
