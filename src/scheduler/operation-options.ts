/**
 * Per-call options and the handling of a caller's `AbortSignal`.
 *
 * Reads stop waiting as soon as the signal fires. A write that the store has not been asked for yet stops
 * with `TIMED_OUT` or `ABORTED` (nothing was written); one that is in flight when the signal fires stops
 * waiting too, with `OUTCOME_UNKNOWN`, since only the store knows whether it committed (see
 * `write-outcome.ts`).
 *
 * @module
 */
import {
  InvalidArgumentError,
  OperationAbortedError,
  OperationTimedOutError,
  type SchedulerError,
} from "../errors/scheduler-errors.js";
import type { JsonObject } from "../model/json.js";
import { metadataOf } from "./metadata.js";
import { readField } from "./read-fields.js";

/** Options every scheduler operation takes. */
export interface OperationOptions {
  /**
   * Bounds the operation's time, for example `AbortSignal.timeout(2000)`. A write still in flight when it
   * fires rejects with `OUTCOME_UNKNOWN` at once: retry it with the same `idempotencyKey`.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Options of the operations that write: a key that makes a retry safe. */
export interface WriteOptions extends OperationOptions {
  /**
   * The caller's key for this write, 1 to 255 characters, unique per user and request (a UUID per user
   * action). A retry with the same key and the same request returns the first outcome (the same
   * appointment, or the same error) instead of writing again; the same key with another request is
   * `IDEMPOTENCY_KEY_REUSED`. Keys are kept for the scheduler's `idempotencyRetention` (default 24 hours).
   */
  readonly idempotencyKey?: string | undefined;
}

/** Options of {@link Scheduler.book}. */
export interface BookOptions extends WriteOptions {
  /**
   * A small JSON object kept with the appointment and returned unchanged (a reason for the visit, an
   * appointment type's name): at most 4 KiB as JSON and 8 levels deep. The rules never read it.
   */
  readonly metadata?: JsonObject | undefined;
}

/** Options of {@link Scheduler.cancel}. */
export interface CancelOptions extends WriteOptions {
  /** Why the appointment is cancelled, kept with it: at most 500 characters. */
  readonly reason?: string | undefined;
}

/** Options of {@link Scheduler.list}. */
export interface ListOptions extends OperationOptions {
  /** `"booked"` (the default) lists booked appointments; `"all"` cancelled ones too. */
  readonly status?: "booked" | "all" | undefined;
}

const MAX_KEY_LENGTH = 255;
const MAX_REASON_LENGTH = 500;

/** The fields of a write's options, validated. */
export interface WriteFields {
  readonly signal: AbortSignal | undefined;
  readonly idempotencyKey: string | undefined;
  readonly metadata: JsonObject | null;
  readonly reason: string | null;
}

const NO_WRITE_FIELDS: WriteFields = Object.freeze({
  signal: undefined,
  idempotencyKey: undefined,
  metadata: null,
  reason: null,
});

/**
 * Reads a write's options: the signal, the idempotency key, and `extra` (`metadata` for a booking, `reason`
 * for a cancellation); other operations' fields are not read.
 */
export function writeFieldsOf(options: unknown, extra: "metadata" | "reason" | undefined): WriteFields {
  if (options === undefined) return NO_WRITE_FIELDS;
  const signal = signalOf(options);
  const key = readField(options as object, "idempotencyKey", "options");
  if (
    key !== undefined &&
    (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH || !key.isWellFormed())
  ) {
    throw new InvalidArgumentError(
      "options.idempotencyKey",
      "idempotencyKey must be a string of 1 to 255 characters (well-formed Unicode)",
    );
  }
  const metadata = extra === "metadata" ? metadataOf(readField(options as object, "metadata", "options")) : null;
  const reason = extra === "reason" ? reasonOf(readField(options as object, "reason", "options")) : null;
  return { signal, idempotencyKey: key as string | undefined, metadata, reason };
}

/** Reads `list`'s options: the signal, and which statuses to list. */
export function listFieldsOf(options: unknown): { signal: AbortSignal | undefined; status: "booked" | "all" } {
  if (options === undefined) return { signal: undefined, status: "booked" };
  const signal = signalOf(options);
  const status = readField(options as object, "status", "options") ?? "booked";
  if (status !== "booked" && status !== "all") {
    throw new InvalidArgumentError("options.status", 'options.status must be "booked" or "all"');
  }
  return { signal, status };
}

function reasonOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > MAX_REASON_LENGTH || !value.isWellFormed()) {
    throw new InvalidArgumentError(
      "options.reason",
      `reason must be a string of at most ${MAX_REASON_LENGTH} characters (well-formed Unicode)`,
    );
  }
  return value;
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
