/**
 * Builders of the write requests the kit sends, with the defaults most cases want, and the kit's clock.
 *
 * @module
 */

import { Temporal } from "temporal-polyfill";
import type { JsonObject } from "../model/json.js";
import type {
  AppointmentTimes,
  BookChange,
  IdempotencyClaim,
  MsRange,
  Occupancy,
  ResourceChoice,
  ResourceClaim,
  WriteRequest,
} from "../store/appointment-store.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * When the kit's writes happen unless a case needs another clock (2021-04-20 08:00 UTC). The contract decides
 * expiry by the write's `atMs` (the scheduler's clock), never by the store's own clock, so the kit's clock
 * need not be today.
 */
export const AT = Date.UTC(2021, 3, 20, 8);

/**
 * The expiry of the kit's events and keys unless a case is about expiry: no clock reaches it, so a store that
 * removes expired data on its own, by any clock, never removes what a later check still reads.
 */
export const FOREVER = Date.UTC(9999, 0, 1);

/**
 * The clock of the cases about expiry (2100-01-01 UTC): later than any wall clock that runs the kit, so that
 * a key or event the kit lets expire at this clock is live by every other clock, and a store that purges by
 * its own clock (or a `purgeExpired` of the wall clock's now) never removes it before the case says so.
 */
export const LATER = Date.UTC(2100, 0, 1);

/**
 * A candidates window that holds every instant of the years 0000 to 9999 (every start the scheduler accepts,
 * and far more than the kit writes): what a store that ignores the window searches. Not the whole range of a
 * `Date`, so that a store may turn it into its database's timestamps.
 */
export const EVERYWHERE: MsRange = {
  fromMs: Date.parse("0000-01-01T00:00:00Z"),
  toMs: Date.parse("+010000-01-01T00:00:00Z"),
};

/** A Thursday morning, 2021-04-22 09:00 UTC: where most examples book. */
export const T0 = Date.UTC(2021, 3, 22, 9);

/** How {@link timesAt} reads its options. */
export interface TimesOptions {
  /** Instant length, in minutes. Default 30. */
  readonly minutes?: number;
  /** The zone's offset: local = instant + this, in minutes. Default 0 (UTC). */
  readonly offsetMinutes?: number;
  /** Local length, in minutes (differs from `minutes` across a DST change). Default `minutes`. */
  readonly localMinutes?: number;
}

/** The times of an appointment starting at `startMs`, by default 30 minutes in UTC. */
export function timesAt(startMs: number, options: TimesOptions = {}): AppointmentTimes {
  const { minutes = 30, offsetMinutes = 0 } = options;
  const localStartMs = startMs + offsetMinutes * MINUTE;
  return {
    startMs,
    endMs: startMs + minutes * MINUTE,
    localStartMs,
    localEndMs: localStartMs + (options.localMinutes ?? minutes) * MINUTE,
  };
}

/** The local date that starts at local time `dayStartMs`, as a period: `[dayStartMs, dayStartMs + 1 day)`. */
export function localDay(dayStartMs: number): MsRange {
  return { fromMs: dayStartMs, toMs: dayStartMs + DAY };
}

/**
 * The clock of the schedulers the kit's cases run over the store: a fixed time before every appointment
 * they book, so that each can still be moved and cancelled (the scheduler refuses to change one that has
 * started), whenever the kit runs.
 */
export const schedulerClock = (): Temporal.Instant => Temporal.Instant.fromEpochMilliseconds(Date.UTC(2021, 0, 1));

/** Local midnight of the date of local time `localMs`. */
export const midnightOf = (localMs: number): number => Math.floor(localMs / DAY) * DAY;

/** What a book or move must not collide with, and when it happens. All optional. */
export interface WriteOptions {
  /** Default `[]`: nothing to count. */
  readonly periods?: readonly MsRange[];
  /** Default 1. */
  readonly limit?: number;
  /** Default false. */
  readonly noOverlap?: boolean;
  /** Default {@link EVERYWHERE}. */
  readonly within?: MsRange;
  /** The window of candidates' ends. Default: everywhere. */
  readonly endWithin?: MsRange;
  /** Default {@link AT}. */
  readonly atMs?: number;
  /** A move's or cancel's `earliestStartMs`. Default `null`. */
  readonly earliestStartMs?: number | null;
  /** Default {@link FOREVER}. */
  readonly changeExpiresAtMs?: number;
  readonly idempotency?: IdempotencyClaim;
  /** A book's, hold's or move's resource claim (a book's or hold's may be a choice). Default: none (absent). */
  readonly resource?: ResourceClaim | ResourceChoice | null;
  /** A move's `expectedVersion`. Default: none (the field absent). */
  readonly expectedVersion?: number | null;
}

/** A claim of `[fromMs, toMs)` of a resource, by default of capacity 1 with candidates looked for everywhere. */
export function resourceClaim(
  resourceId: string,
  fromMs: number,
  toMs: number,
  capacity = 1,
  candidatesStartWithin: MsRange = EVERYWHERE,
): ResourceClaim {
  return { resourceId, fromMs, toMs, capacity, candidatesStartWithin };
}

/** The resource fields of a change, present only when given: a request without them is as it always was. */
function resourceFields(options: WriteOptions): { resource?: ResourceClaim | ResourceChoice | null } {
  return options.resource === undefined ? {} : { resource: options.resource };
}

/** The resource field of a move: a single claim only. */
function moveResourceFields(options: WriteOptions): { resource?: ResourceClaim | null } {
  const { resource } = options;
  if (resource !== undefined && resource !== null && "anyOf" in resource) {
    throw new TypeError("A move claims one resource, not a choice");
  }
  return resource === undefined ? {} : { resource };
}

/** A choice of the first of `claims` whose resource can take the appointment. */
export function anyOf(...claims: ResourceClaim[]): ResourceChoice {
  return { anyOf: claims };
}

function occupancyOf(options: WriteOptions): Occupancy {
  return {
    periods: options.periods ?? [],
    limit: options.limit ?? 1,
    noOverlap: options.noOverlap ?? false,
    candidatesStartWithin: options.within ?? EVERYWHERE,
    candidatesEndWithin: options.endWithin ?? EVERYWHERE,
  };
}

function envelope(options: WriteOptions): Pick<WriteRequest, "atMs" | "changeExpiresAtMs" | "idempotency"> {
  return {
    atMs: options.atMs ?? AT,
    changeExpiresAtMs: options.changeExpiresAtMs ?? FOREVER,
    idempotency: options.idempotency,
  };
}

/** A `book` request. */
export function bookRequest(
  userId: string,
  id: string,
  times: AppointmentTimes,
  options: WriteOptions & { readonly metadata?: JsonObject | null; readonly appointmentType?: string | null } = {},
): WriteRequest {
  return {
    userId,
    change: {
      type: "book",
      id,
      times,
      metadata: options.metadata ?? null,
      occupancy: occupancyOf(options),
      ...resourceFields(options),
      ...(options.appointmentType === undefined ? {} : { appointmentType: options.appointmentType }),
    },
    ...envelope(options),
  };
}

/** A `hold` request until `expiresAtMs`: a booking's request with the hold's expiry. */
export function holdRequest(
  userId: string,
  id: string,
  times: AppointmentTimes,
  expiresAtMs: number,
  options: WriteOptions & { readonly metadata?: JsonObject | null; readonly appointmentType?: string | null } = {},
): WriteRequest {
  const booking = bookRequest(userId, id, times, options);
  return { ...booking, change: { ...(booking.change as BookChange), type: "hold", expiresAtMs } };
}

/** A `confirm` request of the hold `id`. */
export function confirmRequest(userId: string, id: string, options: WriteOptions = {}): WriteRequest {
  return { userId, change: { type: "confirm", id }, ...envelope(options) };
}

/** A `release` request of the hold `id`. */
export function releaseRequest(userId: string, id: string, options: WriteOptions = {}): WriteRequest {
  return { userId, change: { type: "release", id }, ...envelope(options) };
}

/** A `move` request. */
export function moveRequest(
  userId: string,
  id: string,
  times: AppointmentTimes,
  options: WriteOptions = {},
): WriteRequest {
  return {
    userId,
    change: {
      type: "move",
      id,
      times,
      occupancy: occupancyOf(options),
      earliestStartMs: options.earliestStartMs ?? null,
      ...moveResourceFields(options),
      ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
    },
    ...envelope(options),
  };
}

/** A `cancel` request. */
export function cancelRequest(
  userId: string,
  id: string,
  reason: string | null = null,
  options: WriteOptions = {},
): WriteRequest {
  return {
    userId,
    change: { type: "cancel", id, reason, earliestStartMs: options.earliestStartMs ?? null },
    ...envelope(options),
  };
}

/** An idempotency claim: by default with fingerprint `"fp"`, kept forever. */
export function claim(key: string, fingerprint = "fp", expiresAtMs = FOREVER): IdempotencyClaim {
  return { key, fingerprint, expiresAtMs };
}

/** The same request, happening at `atMs` (a client's retry comes later than its first try). */
export function retriedAt(request: WriteRequest, atMs: number): WriteRequest {
  return { ...request, atMs };
}
