/**
 * The values the store is given, checked before they reach SQLite: times of a write as whole milliseconds
 * in the range of JavaScript dates, text as strings, and the bounds of reads as numbers SQLite compares
 * exactly. A value that fails is an `InvalidArgumentError` naming it, and nothing is written.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type {
  AppointmentChange,
  AppointmentTimes,
  MsRange,
  Occupancy,
  RecordQuery,
  ResourceChoice,
  ResourceClaim,
  WriteRequest,
} from "../store/appointment-store.js";

/** The most claims a {@link ResourceChoice} may name (the contract's bound). */
const MAX_CHOICE_CLAIMS = 100;

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
    throw new InvalidArgumentError("change.times", "a book, hold or move change needs its times");
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
  readonly change: CheckedChange;
  readonly atMs: number;
  readonly changeExpiresAtMs: number;
  readonly idempotency: WriteRequest["idempotency"];
}

/** A change with its values checked: one of each kind the store writes. */
export type CheckedChange = CheckedBook | CheckedMove | CheckedCancel | CheckedHoldChange;

/**
 * A `book` or a `hold`: both check and write a new record the same way; a hold's record is `held`, until
 * `holdExpiresAtMs`.
 */
export type CheckedBook =
  | (CheckedNewRecord & { readonly type: "book"; readonly holdExpiresAtMs: null })
  | (CheckedNewRecord & { readonly type: "hold"; readonly holdExpiresAtMs: number });

/** What a `book` and a `hold` both carry, checked. */
export interface CheckedNewRecord {
  readonly id: string;
  readonly times: AppointmentTimes;
  /** The metadata as the store keeps it: JSON text, or `null`. */
  readonly metadataJson: string | null;
  readonly occupancy: Occupancy;
  /**
   * The resource claims to try, in order, each checked: one for a single claim, a choice's in its order,
   * none without a resource. The write takes the first whose resource is not full.
   */
  readonly claims: readonly ResourceClaim[];
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

/** A `confirm` or `release` of a hold: the id is all it carries. */
export interface CheckedHoldChange {
  readonly type: "confirm" | "release";
  readonly id: string;
}

const CHANGE_TYPES: ReadonlySet<unknown> = new Set(["book", "hold", "move", "cancel", "confirm", "release"]);

/** The request's change with its values checked (an `InvalidArgumentError` names the first that is not). */
export function checkedChange(request: WriteRequest): CheckedChange {
  const change = request.change as AppointmentChange | undefined;
  if (!CHANGE_TYPES.has(change?.type)) {
    throw new InvalidArgumentError("change.type", "change.type must be book, hold, move, cancel, confirm or release");
  }
  const checked = change as AppointmentChange;
  const id = textArgument("change.id", checked.id);
  switch (checked.type) {
    case "confirm":
    case "release":
      return { type: checked.type, id };
    case "cancel":
      return {
        type: "cancel",
        id,
        reason: textArgument("change.reason", checked.reason, true),
        earliestStartMs: earliestStart(checked.earliestStartMs),
      };
    case "move":
      return {
        type: "move",
        id,
        times: timesArgument(checked.times),
        occupancy: checkedOccupancy(checked.occupancy),
        earliestStartMs: earliestStart(checked.earliestStartMs),
        // A move takes one claim: its record stays on the resource it is moved on (the contract has no choice).
        resource: checkedClaim(checked.resource, "change.resource"),
        expectedVersion: expectedVersion(checked.expectedVersion),
      };
    default: {
      const times = timesArgument(checked.times);
      const occupancy = checkedOccupancy(checked.occupancy);
      const claims = checkedClaims(checked.resource);
      const appointmentType =
        checked.appointmentType === undefined
          ? null
          : textArgument("change.appointmentType", checked.appointmentType, true);
      const metadataJson = metadataArgument(checked.metadata);
      const record = { id, times, metadataJson, occupancy, claims, appointmentType };
      return checked.type === "hold"
        ? { ...record, type: "hold", holdExpiresAtMs: msArgument("change.expiresAtMs", checked.expiresAtMs) }
        : { ...record, type: "book", holdExpiresAtMs: null };
    }
  }
}

/** The metadata as the store keeps it: JSON text of an object, or `null`. */
function metadataArgument(metadata: unknown): string | null {
  if (metadata === null) return null;
  let json: unknown;
  try {
    json = JSON.stringify(metadata);
  } catch (error) {
    throw new InvalidArgumentError("change.metadata", "metadata must be a JSON object", { cause: error });
  }
  if (typeof json !== "string" || !json.startsWith("{")) {
    throw new InvalidArgumentError("change.metadata", "metadata must be a JSON object or null");
  }
  return json;
}

/**
 * The claims of a booking's or hold's resource, in order: none, one claim, or a {@link ResourceChoice}'s —
 * one to {@link MAX_CHOICE_CLAIMS} claims, each checked as a single claim is, of different resources (the
 * contract's rule: a choice is between resources, and a second claim on one could only repeat the first's
 * count with another capacity).
 */
function checkedClaims(resource: ResourceClaim | ResourceChoice | null | undefined): ResourceClaim[] {
  if (resource === undefined || resource === null) return [];
  if (typeof resource !== "object" || !("anyOf" in resource)) {
    const claim = checkedClaim(resource, "change.resource");
    return claim === null ? [] : [claim];
  }
  const { anyOf } = resource;
  if (!Array.isArray(anyOf) || anyOf.length < 1 || anyOf.length > MAX_CHOICE_CLAIMS) {
    throw new InvalidArgumentError(
      "change.resource.anyOf",
      `change.resource.anyOf must be an array of 1 to ${MAX_CHOICE_CLAIMS} resource claims`,
    );
  }
  const claims: ResourceClaim[] = [];
  const seen = new Set<string>();
  anyOf.forEach((candidate: ResourceClaim | null | undefined, index) => {
    const argument = `change.resource.anyOf[${index}]`;
    const claim = checkedClaim(candidate, argument);
    if (claim === null) throw new InvalidArgumentError(argument, `${argument} must be a resource claim`);
    if (seen.has(claim.resourceId)) {
      throw new InvalidArgumentError(argument, `${argument} names a resource an earlier claim names`);
    }
    seen.add(claim.resourceId);
    claims.push(claim);
  });
  return claims;
}

/**
 * A resource claim, checked (`null` when absent or `null`): its id a string, its span whole milliseconds, its
 * capacity a positive integer, its window of candidates bounds SQLite compares exactly. A copy of its own.
 * `argument` names it in an error.
 */
function checkedClaim(claim: ResourceClaim | null | undefined, argument: string): ResourceClaim | null {
  if (claim === undefined || claim === null) return null;
  if (typeof claim !== "object") {
    throw new InvalidArgumentError(argument, `${argument} must be a resource claim or null`);
  }
  const [candidatesFrom, candidatesTo] = windowBounds(claim.candidatesStartWithin);
  return {
    resourceId: textArgument(`${argument}.resourceId`, claim.resourceId),
    fromMs: msArgument(`${argument}.fromMs`, claim.fromMs),
    toMs: msArgument(`${argument}.toMs`, claim.toMs),
    capacity: countArgument(`${argument}.capacity`, claim.capacity),
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
    throw new InvalidArgumentError("change.occupancy", "a book, hold or move change needs its occupancy");
  }
  countArgument("change.occupancy.limit", occupancy.limit);
  return occupancy;
}
