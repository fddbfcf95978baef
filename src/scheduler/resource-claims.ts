/**
 * What a booking with a resource asks of the store: the resource's definition looked up (a map or the
 * caller's resolver), its working hours checked, and the claim on its capacity that the store checks in its
 * atomic write. Hours are the caller's configuration, not stored state, so checking them before the write
 * leaves nothing for a concurrent write to slip into; capacity is stored state, so only the store checks it.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import {
  InvalidArgumentError,
  OutsideResourceHoursError,
  UnknownAppointmentTypeError,
  UnknownResourceError,
} from "../errors/scheduler-errors.js";
import { checkedResource, LONGEST_BUFFER_MINUTES, type Resource } from "../resources/resource-definition.js";
import { withinWorkingHours } from "../resources/working-hours.js";
import type { AppointmentTimes, ResourceClaim } from "../store/appointment-store.js";
import { untilAborted } from "./operation-options.js";
import { type AppointmentType, LONGEST_DURATION_MINUTES, type Policy } from "./policy.js";
import { settledAnswer } from "./settled-answer.js";

/**
 * How far before a claim's span a conflicting record's span can start: the longest span there can be (the
 * longest appointment and both buffers at their longest).
 */
const LONGEST_SPAN_MS = (LONGEST_DURATION_MINUTES + 2 * LONGEST_BUFFER_MINUTES) * 60_000;

/**
 * The earliest span start of a record whose span can overlap a range from `fromMs`: what a resource's
 * listing tells the store (`candidatesStartFrom`), so that it searches spans by start from there.
 */
export function spansStartFrom(fromMs: number): number {
  return fromMs - LONGEST_SPAN_MS;
}

type Resolver = (id: string, context: { signal?: AbortSignal | undefined }) => unknown;

/** The scheduler's `resources`: definitions by id (checked once, at `createScheduler`), or a resolver. */
export class ResourceDirectory {
  readonly #byId: ReadonlyMap<string, Resource> | undefined;
  readonly #resolver: Resolver | undefined;

  constructor(resources: unknown) {
    if (resources === undefined) {
      this.#byId = new Map();
    } else if (typeof resources === "function") {
      this.#resolver = resources as Resolver;
    } else if (typeof resources === "object" && resources !== null && !Array.isArray(resources)) {
      const byId = new Map<string, Resource>();
      for (const [id, definition] of Object.entries(resources)) byId.set(id, checkedResource(id, definition));
      this.#byId = byId;
    } else {
      throw new InvalidArgumentError(
        "options.resources",
        "resources must be an object of definitions by id, or a function",
      );
    }
  }

  /** The resource `id`, checked; `UNKNOWN_RESOURCE` when there is none. */
  async resource(id: string, signal: AbortSignal | undefined): Promise<Resource> {
    if (this.#byId) {
      const found = this.#byId.get(id);
      if (!found) throw new UnknownResourceError(id);
      return found;
    }
    const resolver = this.#resolver as Resolver;
    const { value } = await untilAborted(settledAnswer(resolver(id, { signal }), "options.resources"), signal);
    if (value === null || value === undefined) throw new UnknownResourceError(id);
    return checkedResource(id, value);
  }
}

/** The type named `name` in the policy, or `UNKNOWN_APPOINTMENT_TYPE`; `undefined` for none. */
export function appointmentTypeOf(policy: Policy, name: string | null): AppointmentType | undefined {
  if (name === null) return undefined;
  const type = policy.appointmentTypes.get(name);
  if (!type) throw new UnknownAppointmentTypeError(name);
  return type;
}

/**
 * The claim of an appointment at `times` on `resource`: its instants widened by the buffers (the type's
 * where it sets them, else the resource's). Its hours are not checked: see {@link resourceClaim}.
 */
export function claimOf(resource: Resource, times: AppointmentTimes, type: AppointmentType | undefined): ResourceClaim {
  const before = type?.bufferBeforeMinutes != null ? type.bufferBeforeMinutes * 60_000 : resource.bufferBeforeMs;
  const after = type?.bufferAfterMinutes != null ? type.bufferAfterMinutes * 60_000 : resource.bufferAfterMs;
  const fromMs = times.startMs - before;
  const toMs = times.endMs + after;
  return {
    resourceId: resource.id,
    fromMs,
    toMs,
    capacity: resource.capacity,
    candidatesStartWithin: { fromMs: fromMs - LONGEST_SPAN_MS, toMs },
  };
}

/** Whether `claim`'s span lies within the resource's working hours. */
export function withinHours(resource: Resource, claim: ResourceClaim): boolean {
  return withinWorkingHours(resource, claim.fromMs, claim.toMs);
}

/**
 * {@link claimOf}, after checking that the claimed span lies within the resource's hours.
 *
 * @throws OutsideResourceHoursError when it does not.
 */
export function resourceClaim(
  resource: Resource,
  times: AppointmentTimes,
  type: AppointmentType | undefined,
): ResourceClaim {
  const claim = claimOf(resource, times, type);
  if (!withinHours(resource, claim)) {
    const zoned = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(resource.timeZone);
    throw new OutsideResourceHoursError(resource.id, zoned(claim.fromMs), zoned(claim.toMs));
  }
  return claim;
}
