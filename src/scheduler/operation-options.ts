/**
 * Per-call options and the handling of a caller's `AbortSignal`.
 *
 * Reads stop waiting as soon as the signal fires. Writes hand the signal to the store and wait for its
 * answer: only the store knows whether a write can still be abandoned without having committed, and a
 * timeout must never report failure for a booking that was made.
 *
 * @module
 */
import {
  InvalidArgumentError,
  OperationAbortedError,
  OperationTimedOutError,
  type SchedulerError,
} from "../errors/scheduler-errors.js";
import { readField } from "./read-fields.js";

/** Options every scheduler operation takes. */
export interface OperationOptions {
  /** Bounds the operation's time, for example `AbortSignal.timeout(2000)`. */
  readonly signal?: AbortSignal | undefined;
}

/** Reads and validates the options argument; returns the signal, if any. */
export function signalOf(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "options must be an object");
  }
  const signal = readField(options, "signal", "options");
  if (signal === undefined) return undefined;
  if (!isAbortSignal(signal)) throw new InvalidArgumentError("options.signal", "options.signal must be an AbortSignal");
  return signal;
}

/** Throws the typed error for a fired signal; does nothing otherwise. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The typed error a fired signal stands for: a timeout, or another abort. */
export function abortError(signal: AbortSignal): SchedulerError {
  const reason: unknown = signal.reason;
  const timedOut =
    typeof reason === "object" && reason !== null && (reason as { name?: unknown }).name === "TimeoutError";
  return timedOut ? new OperationTimedOutError({ cause: reason }) : new OperationAbortedError({ cause: reason });
}

/** Resolves as `promise` does, or rejects with the typed abort error as soon as `signal` fires. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function isAbortSignal(value: unknown): value is AbortSignal {
  // Duck-typed: signals from another realm or a polyfill are still signals. Field by field, without
  // readFields's record: this runs on every operation.
  if (typeof value !== "object" || value === null) return false;
  return (
    typeof readField(value, "aborted", "options.signal") === "boolean" &&
    typeof readField(value, "addEventListener", "options.signal") === "function" &&
    typeof readField(value, "removeEventListener", "options.signal") === "function"
  );
}
