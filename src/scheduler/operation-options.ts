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
import { types } from "node:util";
import { Temporal } from "temporal-polyfill";
import {
  InvalidArgumentError,
  OperationAbortedError,
  OperationTimedOutError,
  type SchedulerError,
} from "../errors/scheduler-errors.js";
import type { JsonObject } from "../model/json.js";
import { settleUnlessAborted } from "./abort-waiters.js";
import { storesExactly } from "./appointment-id.js";
import { type ListPosition, positionOf } from "./list-cursor.js";
import { metadataOf } from "./metadata.js";
import { optionKeys, readField, rejectUnknownKeys } from "./read-fields.js";

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
  /**
   * The resource to book (a practitioner's or a room's id, as the scheduler's `resources` define it): the
   * booking must lie within its working hours and find it free. Or several, `{ anyOf: ["dr-lee", "dr-kim"] }`:
   * the first of them that can take it (see {@link ResourceChoiceOptions} and docs/resources.md).
   */
  readonly resource?: string | ResourceChoiceOptions | undefined;
  /** The appointment type (a name of `policy.appointmentTypes`): its duration and buffers apply. */
  readonly type?: string | undefined;
}

/**
 * A booking of any one of several resources: one atomic write takes the first of them, in `order`, that is
 * within its working hours and free; it fails only when none is.
 */
export interface ResourceChoiceOptions {
  /** The resources' ids: 1 to 100, each once. */
  readonly anyOf: readonly string[];
  /**
   * `"given"` (the default) tries them in the order of `anyOf`; `"least-booked"` in the order of how many
   * appointments and live holds each has on the appointment's date (in the resource's zone), fewest first,
   * ties in the order given. The counts are read just before the write: under concurrent bookings they guide
   * the choice, while the write alone decides what is free.
   */
  readonly order?: "given" | "least-booked" | undefined;
}

/** Options of {@link Scheduler.hold}: a booking's, and how long the hold lasts. */
export interface HoldOptions extends BookOptions {
  /**
   * How long the hold reserves the time before it expires unless confirmed: a duration from 10 seconds to 1
   * hour (`{ minutes: 10 }` or `"PT10M"`). Default 5 minutes.
   */
  readonly ttl?: Temporal.DurationLike | string | undefined;
}

/** What a write asks of resources, validated: the ids in the order given, and how to order a choice. */
export interface ResourceRequest {
  readonly ids: readonly string[];
  /** Whether the caller asked for a choice (`anyOf`), even of one resource. */
  readonly choice: boolean;
  readonly order: "given" | "least-booked";
}

/** Options of {@link Scheduler.cancel}. */
export interface CancelOptions extends WriteOptions {
  /** Why the appointment is cancelled, kept with it: at most 500 characters. */
  readonly reason?: string | undefined;
  /**
   * For staff tools: cancel even when it is too late for the user, within the policy's
   * `cancellationNotice` or after the start (to record a no-show, say). An appointment cancelled at or after
   * its start keeps counting toward the limits of its dates, weeks or months: its time was used. Default
   * `false`: `TOO_LATE_TO_CHANGE` and `APPOINTMENT_STARTED`.
   */
  readonly allowLate?: boolean | undefined;
}

/** Options of {@link Scheduler.list}. */
export interface ListOptions extends OperationOptions {
  /** `"booked"` (the default) lists booked appointments; `"all"` cancelled ones too. */
  readonly status?: "booked" | "all" | undefined;
  /** At most this many appointments in the page, 1 to 1000. Default 100. */
  readonly limit?: number | undefined;
  /**
   * Read on after an earlier page: its `nextCursor`. Pass the same range and status as for that page.
   */
  readonly after?: string | undefined;
}

/** The default page size of {@link Scheduler.list}. */
export const DEFAULT_LIST_LIMIT = 100;
/** The largest page size of {@link Scheduler.list}. */
export const MAX_LIST_LIMIT = 1000;

const MAX_KEY_LENGTH = 255;
const MAX_REASON_LENGTH = 500;

/**
 * The keys each operation's options may have: {@link signalOf} refuses any other as unknown. Each list must
 * name every key of its options type (the compiler checks), so an option added to a type is added here.
 */
const OPERATION_OPTION_KEYS = optionKeys<OperationOptions>()(["signal"]);
const BOOK_OPTION_KEYS = optionKeys<BookOptions>()(["signal", "idempotencyKey", "metadata", "resource", "type"]);
const HOLD_OPTION_KEYS = optionKeys<HoldOptions>()(["signal", "idempotencyKey", "metadata", "resource", "type", "ttl"]);
const CHOICE_KEYS = optionKeys<ResourceChoiceOptions>()(["anyOf", "order"]);
const CANCEL_OPTION_KEYS = optionKeys<CancelOptions>()(["signal", "idempotencyKey", "reason", "allowLate"]);
const WRITE_OPTION_KEYS = optionKeys<WriteOptions>()(["signal", "idempotencyKey"]);
/** The keys of {@link ListOptions}. */
export const LIST_OPTION_KEYS = optionKeys<ListOptions>()(["signal", "status", "limit", "after"]);

/** The fields of a write's options, validated. */
export interface WriteFields {
  readonly signal: AbortSignal | undefined;
  readonly idempotencyKey: string | undefined;
  readonly metadata: JsonObject | null;
  readonly reason: string | null;
  /** A booking's resources, or `null`. */
  readonly resource: ResourceRequest | null;
  /** A booking's appointment type's name, or `null`. */
  readonly appointmentType: string | null;
}

const NO_WRITE_FIELDS: WriteFields = Object.freeze({
  signal: undefined,
  idempotencyKey: undefined,
  metadata: null,
  reason: null,
  resource: null,
  appointmentType: null,
});

/**
 * Reads a write's options: the signal, the idempotency key, and `extra` (`metadata` and the rest of a
 * booking's, `reason` for a cancellation); other operations' fields are not read. `known` names the keys the
 * options may have when they differ from `extra`'s (a hold's).
 */
export function writeFieldsOf(
  options: unknown,
  extra: "metadata" | "reason" | undefined,
  known: readonly string[] = extra === "metadata" ? BOOK_OPTION_KEYS : extra ? CANCEL_OPTION_KEYS : WRITE_OPTION_KEYS,
): WriteFields {
  if (options === undefined) return NO_WRITE_FIELDS;
  const signal = signalOf(options, known);
  const key = readField(options as object, "idempotencyKey", "options");
  if (
    key !== undefined &&
    (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH || !storesExactly(key))
  ) {
    throw new InvalidArgumentError(
      "options.idempotencyKey",
      "idempotencyKey must be a string of 1 to 255 characters (well-formed Unicode, no NUL)",
    );
  }
  const metadata = extra === "metadata" ? metadataOf(readField(options as object, "metadata", "options")) : null;
  const reason = extra === "reason" ? reasonOf(readField(options as object, "reason", "options")) : null;
  const resource = extra === "metadata" ? resourceRequestOf(readField(options as object, "resource", "options")) : null;
  const appointmentType =
    extra === "metadata" ? nameOf(readField(options as object, "type", "options"), "options.type") : null;
  return { signal, idempotencyKey: key as string | undefined, metadata, reason, resource, appointmentType };
}

/** The `resource` option: an id, or `{ anyOf, order }`; `null` when absent. */
function resourceRequestOf(value: unknown): ResourceRequest | null {
  if (value === undefined) return null;
  if (typeof value === "string")
    return { ids: [nameOf(value, "options.resource") as string], choice: false, order: "given" };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError("options.resource", "resource must be a resource id or { anyOf: [ids…] }");
  }
  rejectUnknownKeys(value, CHOICE_KEYS, "options.resource");
  const list = readField(value, "anyOf", "options.resource");
  if (!Array.isArray(list) || list.length === 0 || list.length > 100) {
    throw new InvalidArgumentError("options.resource.anyOf", "anyOf must be an array of 1 to 100 resource ids");
  }
  const ids = list.map((id, i) => nameOf(id, `options.resource.anyOf[${i}]`) as string);
  if (new Set(ids).size !== ids.length) {
    throw new InvalidArgumentError("options.resource.anyOf", "anyOf must not name a resource twice");
  }
  const order = readField(value, "order", "options.resource") ?? "given";
  if (order !== "given" && order !== "least-booked") {
    throw new InvalidArgumentError("options.resource.order", 'order must be "given" or "least-booked"');
  }
  return { ids, choice: true, order };
}

/** The shortest and longest hold, and a hold's default life, in milliseconds. */
const SHORTEST_HOLD_MS = 10_000;
const LONGEST_HOLD_MS = 3_600_000;
const DEFAULT_HOLD_MS = 300_000;

/** Reads a hold's options: a booking's, and its `ttl` in milliseconds. */
export function holdFieldsOf(options: unknown): WriteFields & { readonly ttlMs: number } {
  const fields = writeFieldsOf(options, "metadata", HOLD_OPTION_KEYS);
  const ttl = options === undefined ? undefined : readField(options as object, "ttl", "options");
  if (ttl === undefined) return { ...fields, ttlMs: DEFAULT_HOLD_MS };
  const ttlMs = fixedDurationMs(ttl, "options.ttl", SHORTEST_HOLD_MS, LONGEST_HOLD_MS, {
    type: "ttl must be a Temporal duration, as { minutes: 10 }",
    range: "ttl must be from 10 seconds to 1 hour",
  });
  return { ...fields, ttlMs };
}

/**
 * A duration of a fixed length, in whole milliseconds from `shortestMs` to `longestMs`: a Temporal duration
 * or its ISO form, days taken as 24 hours (calendar units, weeks to years, have no fixed length and are
 * refused). Otherwise {@link InvalidArgumentError} for `argument`, with the `type` or the `range` message.
 */
export function fixedDurationMs(
  value: unknown,
  argument: string,
  shortestMs: number,
  longestMs: number,
  messages: { readonly type: string; readonly range: string },
): number {
  let ms: number;
  try {
    ms = Temporal.Duration.from(value as Temporal.DurationLike | string).total({ unit: "milliseconds" });
  } catch (cause) {
    throw new InvalidArgumentError(argument, messages.type, { cause });
  }
  if (!(ms >= shortestMs && ms <= longestMs)) throw new InvalidArgumentError(argument, messages.range);
  return Math.floor(ms);
}

/** A resource id or type name: 1 to 255 characters of well-formed Unicode without NUL, or `null` when absent. */
export function nameOf(value: unknown, argument: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_KEY_LENGTH || !storesExactly(value)) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be a string of 1 to 255 characters (well-formed Unicode, no NUL)`,
    );
  }
  return value;
}

/** The fields of `availability`'s options, validated. */
export interface AvailabilityFields {
  readonly signal: AbortSignal | undefined;
  /** The resources asked for, or `null` for none. */
  readonly resources: readonly string[] | null;
  readonly appointmentType: string | null;
  /** The id of the appointment to offer new starts for, or `null`. */
  readonly moving: string | null;
}

const AVAILABILITY_OPTION_KEYS = ["signal", "resources", "type", "moving"];

/** Reads `availability`'s options. */
export function availabilityFieldsOf(options: unknown): AvailabilityFields {
  if (options === undefined) return { signal: undefined, resources: null, appointmentType: null, moving: null };
  const signal = signalOf(options, AVAILABILITY_OPTION_KEYS);
  const list = readField(options as object, "resources", "options");
  let resources: string[] | null = null;
  if (list !== undefined) {
    if (!Array.isArray(list) || list.length === 0 || list.length > 100) {
      throw new InvalidArgumentError("options.resources", "resources must be an array of 1 to 100 resource ids");
    }
    resources = list.map((id, i) => nameOf(id, `options.resources[${i}]`) as string);
    if (new Set(resources).size !== resources.length) {
      throw new InvalidArgumentError("options.resources", "resources must not name a resource twice");
    }
  }
  const appointmentType = nameOf(readField(options as object, "type", "options"), "options.type");
  const movingId = readField(options as object, "moving", "options");
  let moving: string | null = null;
  if (movingId !== undefined) {
    if (typeof movingId !== "string") {
      throw new InvalidArgumentError("options.moving", "moving must be the id of the appointment to move");
    }
    // A move keeps the appointment's type and resource: asking for others would offer starts it cannot take.
    if (resources !== null || appointmentType !== null) {
      throw new InvalidArgumentError(
        "options.moving",
        "moving offers starts for the appointment's own type and resource: leave type and resources out",
      );
    }
    moving = movingId;
  }
  return { signal, resources, appointmentType, moving };
}

/** Options `listByResource` takes. */
export const RESOURCE_LIST_OPTION_KEYS = ["signal", "limit"];

/** The most appointments `listByResource` answers, and its default. */
export const MAX_RESOURCE_LIST_LIMIT = 1000;

/** `listByResource`'s `limit`, validated. */
export function resourceListLimitOf(options: unknown): number {
  if (options === undefined) return MAX_RESOURCE_LIST_LIMIT;
  const limit = readField(options as object, "limit", "options");
  if (limit === undefined) return MAX_RESOURCE_LIST_LIMIT;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_RESOURCE_LIST_LIMIT) {
    throw new InvalidArgumentError(
      "options.limit",
      `limit must be a whole number from 1 to ${MAX_RESOURCE_LIST_LIMIT}`,
    );
  }
  return limit as number;
}

/** The fields of `list`'s options, validated. */
export interface ListFields {
  readonly signal: AbortSignal | undefined;
  readonly status: "booked" | "all";
  readonly limit: number;
  readonly after: ListPosition | undefined;
}

const NO_LIST_FIELDS: ListFields = Object.freeze({
  signal: undefined,
  status: "booked",
  limit: DEFAULT_LIST_LIMIT,
  after: undefined,
});

/** Reads `list`'s options: the signal, which statuses to list, and the page. */
export function listFieldsOf(options: unknown): ListFields {
  if (options === undefined) return NO_LIST_FIELDS;
  const signal = signalOf(options, LIST_OPTION_KEYS);
  const status = readField(options as object, "status", "options") ?? "booked";
  if (status !== "booked" && status !== "all") {
    throw new InvalidArgumentError("options.status", 'options.status must be "booked" or "all"');
  }
  const limit = readField(options as object, "limit", "options") ?? DEFAULT_LIST_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidArgumentError("options.limit", `options.limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  const after = readField(options as object, "after", "options");
  return { signal, status, limit, after: after === undefined ? undefined : positionOf(after) };
}

/** Reads `cancel`'s `allowLate` option. */
export function allowLateOf(options: unknown): boolean {
  if (options === undefined) return false;
  const value = readField(options as object, "allowLate", "options");
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    throw new InvalidArgumentError("options.allowLate", "options.allowLate must be a boolean");
  return value;
}

function reasonOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > MAX_REASON_LENGTH || !storesExactly(value)) {
    throw new InvalidArgumentError(
      "options.reason",
      `reason must be a string of at most ${MAX_REASON_LENGTH} characters (well-formed Unicode, no NUL)`,
    );
  }
  return value;
}

const SIGNAL = "options.signal";

/**
 * Reads and validates the options argument, whose keys must be among `known` (the operation's: only `signal`
 * by default); returns the signal, if any. A signal that is not the platform's
 * own is tried here, once (its fields read, a listener added and removed), so that one whose getters or
 * methods throw fails now, as {@link InvalidArgumentError}, and not in the middle of an operation.
 */
export function signalOf(options: unknown, known: readonly string[] = OPERATION_OPTION_KEYS): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options", "options must be an object");
  }
  rejectUnknownKeys(options, known, "options");
  const signal = readField(options, "signal", "options");
  if (signal === undefined) return undefined;
  if (!isAbortSignal(signal)) throw new InvalidArgumentError("options.signal", "options.signal must be an AbortSignal");
  return signal;
}

/**
 * Throws the typed error for a fired signal; does nothing otherwise. A signal whose `aborted` cannot be read
 * (a look-alike that passed {@link signalOf} and throws later) is {@link InvalidArgumentError}.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal === undefined) return;
  let aborted: unknown;
  try {
    aborted = signal.aborted;
  } catch (cause) {
    throw unusableSignal(cause);
  }
  if (aborted === true) throw abortError(signal);
}

/**
 * The typed error a fired signal stands for: a timeout, or another abort; {@link InvalidArgumentError} when
 * its `reason` cannot be read. A reason whose `name` cannot be read (a revoked `Proxy`) is no timeout.
 */
export function abortError(signal: AbortSignal): SchedulerError {
  let reason: unknown;
  try {
    reason = signal.reason;
  } catch (cause) {
    return unusableSignal(cause);
  }
  return isTimeout(reason)
    ? new OperationTimedOutError({ cause: reason })
    : new OperationAbortedError({ cause: reason });
}

function isTimeout(reason: unknown): boolean {
  if (typeof reason !== "object" || reason === null) return false;
  try {
    return (reason as { name?: unknown }).name === "TimeoutError";
  } catch {
    return false;
  }
}

function unusableSignal(cause: unknown): InvalidArgumentError {
  return new InvalidArgumentError(SIGNAL, `${SIGNAL} could not be used`, { cause });
}

/** Resolves as `promise` does, or rejects with the typed abort error as soon as `signal` fires. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  try {
    throwIfAborted(signal);
  } catch (error) {
    promise.then(undefined, ignore); // given up before it settles: its failure is no one's to handle
    throw error;
  }
  try {
    return settleUnlessAborted(promise, signal, () => abortError(signal));
  } catch (cause) {
    promise.then(undefined, ignore); // given up before it settles: its failure is no one's to handle
    return Promise.reject(unusableSignal(cause));
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== "object" || value === null) return false;
  if (isPlatformSignal(value)) return true;
  // Duck-typed: signals from another realm or a polyfill are still signals. Field by field, without
  // readFields's record; then tried once, so that a look-alike that cannot be used fails here.
  const aborted = readField(value, "aborted", SIGNAL);
  const add = readField(value, "addEventListener", SIGNAL);
  const remove = readField(value, "removeEventListener", SIGNAL);
  if (typeof aborted !== "boolean" || typeof add !== "function" || typeof remove !== "function") return false;
  readField(value, "reason", SIGNAL);
  try {
    add.call(value, "abort", ignore);
    remove.call(value, "abort", ignore);
  } catch (cause) {
    throw unusableSignal(cause);
  }
  return true;
}

const ignore = () => {};

/** The platform's own getter of `aborted`: its brand check tells a real `AbortSignal` of this realm. */
const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, "aborted")?.get;

/**
 * Whether `value` is a real `AbortSignal` whose members are the platform's: nothing of it can throw. Cheap,
 * for the signal an HTTP layer passes on every request. Not a `Proxy` of one: its traps could throw later
 * (and Node.js's brand check, a symbol-keyed field, passes through a `Proxy`).
 */
function isPlatformSignal(value: object): boolean {
  if (types.isProxy(value)) return false;
  try {
    abortedGetter?.call(value);
  } catch {
    return false;
  }
  return (
    abortedGetter !== undefined &&
    Object.getPrototypeOf(value) === AbortSignal.prototype &&
    !Object.hasOwn(value, "aborted") &&
    !Object.hasOwn(value, "reason") &&
    !Object.hasOwn(value, "addEventListener") &&
    !Object.hasOwn(value, "removeEventListener")
  );
}
