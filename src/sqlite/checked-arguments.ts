/**
 * The values the store is given, checked before they reach SQLite: times of a write as whole milliseconds
 * in the range of JavaScript dates, text as strings, and the bounds of reads as numbers SQLite compares
 * exactly. A value that fails is an `InvalidArgumentError` naming it, and nothing is written.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type {
  AppointmentTimes,
  BookChange,
  CancelChange,
  MoveChange,
  MsRange,
  Occupancy,
  RecordQuery,
  ResourceClaim,
  WriteRequest,
} from "../store/appointment-store.js";

/** The range of JavaScript dates, in epoch milliseconds: what a stored time may be. */
export const MIN_MS = -8_640_000_000_000_000;
export const MAX_MS = 8_640_000_000_000_000;

/** Bounds of reads beyond every stored time: a query without a bound compares with these. */
const BELOW_ALL = -Number.MAX_SAFE_INTEGER;
const ABOVE_ALL = Number.MAX_SAFE_INTEGER;

/** `ms` when it is a whole number of milliseconds within {@link MIN_MS}…{@link MAX_MS}. */
export function msArgument(argument: string, ms: unknown): number {
  if (!Number.isSafeInteger(ms) || (ms as number) < MIN_MS || (ms as number) > MAX_MS) {
    throw new InvalidArgumentError(argument, `${argument} must be a whole number of milliseconds`);
  }
  return ms as number;
}

/** The four times of a write, checked. */
export function timesArgument(times: AppointmentTimes | undefined): AppointmentTimes {
  if (typeof times !== "object" || times === null) {
    throw new InvalidArgumentError("change.times", "a book or move change needs its times");
  }
  return {
    startMs: msArgument("times.startMs", times.startMs),
    endMs: msArgument("times.endMs", times.endMs),
    localStartMs: msArgument("times.localStartMs", times.localStartMs),
    localEndMs: msArgument("times.localEndMs", times.localEndMs),
  };
}

/** `text` when it is a string (`null` too, with `nullable`). */
export function textArgument(argument: string, text: unknown, nullable: true): string | null;
export function textArgument(argument: string, text: unknown, nullable?: false): string;
export function textArgument(argument: string, text: unknown, nullable = false): string | null {
  if (typeof text === "string" || (nullable && text === null)) return text as string | null;
  throw new InvalidArgumentError(argument, `${argument} must be a string${nullable ? " or null" : ""}`);
}

/** `count` when it is a positive whole number (a limit). */
export function countArgument(argument: string, count: unknown): number {
  if (!Number.isSafeInteger(count) || (count as number) < 1) {
    throw new InvalidArgumentError(argument, `${argument} must be a positive integer`);
  }
  return count as number;
}

/**
 * A lower bound as SQLite compares it: the number itself (a fraction is compared exactly), or below every
 * stored time when absent, `NaN` or lower still. (SQLite would read `NaN` as `NULL`, which matches nothing.)
 */
export function lowerBound(ms: number | undefined): number {
  return ms !== undefined && ms > BELOW_ALL ? Math.min(ms, ABOVE_ALL) : BELOW_ALL;
}

/** An upper bound as SQLite compares it: see {@link lowerBound}. */
export function upperBound(ms: number | undefined): number {
  return ms !== undefined && ms < ABOVE_ALL ? Math.max(ms, BELOW_ALL) : ABOVE_ALL;
}

/** A window of candidates: its bounds as SQLite compares them (an absent or `NaN` bound is no bound). */
export function windowBounds(range: MsRange | undefined): [number, number] {
  return [lowerBound(range?.fromMs), upperBound(range?.toMs)];
}

/** Which records a list returns: `query.status`, checked. */
export function listStatus(query: RecordQuery): "booked" | "holding" | "all" {
  const status = query.status ?? "booked";
  if (status !== "booked" && status !== "holding" && status !== "all") {
    throw new InvalidArgumentError("query.status", 'status must be "booked", "holding" or "all"');
  }
  return status;
}

/** A write's request with its values checked. */
export interface CheckedRequest {
  readonly userId: string;
  readonly change: CheckedBook | CheckedMove | CheckedCancel;
  readonly atMs: number;
  readonly changeExpiresAtMs: number;
  readonly idempotency: WriteRequest["idempotency"];
}

export interface CheckedBook {
  readonly type: "book";
  readonly id: string;
  readonly times: AppointmentTimes;
  /** The metadata as the store keeps it: JSON text, or `null`. */
  readonly metadataJson: string | null;
  readonly occupancy: Occupancy;
  /** The resource claim, checked, or `null` for none. */
  readonly resource: ResourceClaim | null;
  readonly appointmentType: string | null;
}

export interface CheckedMove {
  readonly type: "move";
  readonly id: string;
  readonly times: AppointmentTimes;
  readonly occupancy: Occupancy;
  readonly earliestStartMs: number | null;
  /** The resource claim at the new times, checked, or `null` for none. */
  readonly resource: ResourceClaim | null;
  /** The version the move expects the record at, or `null` for no such check. */
  readonly expectedVersion: number | null;
}

export interface CheckedCancel {
  readonly type: "cancel";
  readonly id: string;
  readonly reason: string | null;
  readonly earliestStartMs: number | null;
}

/** The request's change with its values checked (an `InvalidArgumentError` names the first that is not). */
export function checkedChange(request: WriteRequest): CheckedBook | CheckedMove | CheckedCancel {
  const change = request.change as BookChange | MoveChange | CancelChange;
  const type = change?.type;
  if (type !== "book" && type !== "move" && type !== "cancel") {
    throw new InvalidArgumentError("change.type", "change.type must be book, move or cancel");
  }
  const id = textArgument("change.id", change.id);
  if (type === "cancel") {
    return {
      type,
      id,
      reason: textArgument("change.reason", change.reason, true),
      earliestStartMs: earliestStart(change.earliestStartMs),
    };
  }
  const times = timesArgument(change.times);
  const occupancy = checkedOccupancy(change.occupancy);
  const resource = checkedClaim(change.resource);
  if (type === "move") {
    return {
      type,
      id,
      times,
      occupancy,
      earliestStartMs: earliestStart(change.earliestStartMs),
      resource,
      expectedVersion: expectedVersion(change.expectedVersion),
    };
  }
  const appointmentType =
    change.appointmentType === undefined ? null : textArgument("change.appointmentType", change.appointmentType, true);
  let metadataJson: string | null = null;
  if (change.metadata !== null) {
    try {
      metadataJson = JSON.stringify(change.metadata);
    } catch (error) {
      throw new InvalidArgumentError("change.metadata", "metadata must be a JSON object", { cause: error });
    }
    if (typeof metadataJson !== "string" || !metadataJson.startsWith("{")) {
      throw new InvalidArgumentError("change.metadata", "metadata must be a JSON object or null");
    }
  }
  return { type, id, times, metadataJson, occupancy, resource, appointmentType };
}

/**
 * A resource claim, checked (`null` when absent or `null`): its id a string, its span whole milliseconds, its
 * capacity a positive integer, its window of candidates bounds SQLite compares exactly. A copy of its own.
 */
function checkedClaim(claim: ResourceClaim | null | undefined): ResourceClaim | null {
  if (claim === undefined || claim === null) return null;
  if (typeof claim !== "object") {
    throw new InvalidArgumentError("change.resource", "change.resource must be a resource claim or null");
  }
  const [candidatesFrom, candidatesTo] = windowBounds(claim.candidatesStartWithin);
  return {
    resourceId: textArgument("change.resource.resourceId", claim.resourceId),
    fromMs: msArgument("change.resource.fromMs", claim.fromMs),
    toMs: msArgument("change.resource.toMs", claim.toMs),
    capacity: countArgument("change.resource.capacity", claim.capacity),
    candidatesStartWithin: { fromMs: candidatesFrom, toMs: candidatesTo },
  };
}

function expectedVersion(version: unknown): number | null {
  if (version === undefined || version === null) return null;
  if (!Number.isSafeInteger(version)) {
    throw new InvalidArgumentError("change.expectedVersion", "change.expectedVersion must be an integer or null");
  }
  return version as number;
}

function earliestStart(ms: unknown): number | null {
  return ms === null ? null : msArgument("change.earliestStartMs", ms);
}

function checkedOccupancy(occupancy: Occupancy | undefined): Occupancy {
  if (typeof occupancy !== "object" || occupancy === null || !Array.isArray(occupancy.periods)) {
    throw new InvalidArgumentError("change.occupancy", "a book or move change needs its occupancy");
  }
  countArgument("change.occupancy.limit", occupancy.limit);
  return occupancy;
}
