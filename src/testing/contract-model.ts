/**
 * The store contract as a reference model, written from the contract's text alone and as plainly as
 * possible: every user's records in maps, every key's first outcome, and the feed as an array. It is slow
 * and needs no atomicity (it is synchronous); the model-based cases compare a store with it after every
 * write.
 *
 * @module
 */
import type {
  AppointmentRecord,
  AppointmentTimes,
  ChangeType,
  MsRange,
  Occupancy,
  RecordQuery,
  ResourceClaim,
  ResourceRecordQuery,
  ResourceSpan,
  WriteRequest,
  WriteResult,
} from "../store/appointment-store.js";
import { byStartThenId, type ChangeFacts } from "./records.js";

/** What a key remembers: the request's fingerprint, until when, and the first outcome. */
interface KeptOutcome {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  readonly result: KeptResult;
}

/** The outcomes a key keeps: any but `key-reused`. */
type KeptResult = Exclude<WriteResult, { status: "key-reused" }>;

/** An event of the model's feed, with the user it belongs to. */
export interface ModelChange extends ChangeFacts {
  readonly userId: string;
}

/** Whether `record` holds `period`: its local times overlap the period's, both half-open. */
export function holds(record: AppointmentTimes, period: MsRange): boolean {
  return record.localStartMs < period.toMs && record.localEndMs > period.fromMs;
}

/** Whether `record` occupies its time at `atMs`: booked, or held by a hold that expires after `atMs`. */
export function occupies(record: AppointmentRecord, atMs: number): boolean {
  return record.status === "booked" || (record.status === "held" && (record.holdExpiresAtMs as number) > atMs);
}

/** Whether two appointments' instants overlap, both half-open. */
export function overlaps(a: AppointmentTimes, b: AppointmentTimes): boolean {
  return a.startMs < b.endMs && a.endMs > b.startMs;
}

/** The reference model of an {@link AppointmentStore}. */
export class ContractModel {
  /** User → id → record. Records are never mutated: a change replaces the record. */
  readonly #records = new Map<string, Map<string, AppointmentRecord>>();
  /** User → key → its first outcome. */
  readonly #keys = new Map<string, Map<string, KeptOutcome>>();
  readonly #feed: ModelChange[] = [];

  /** The contract's `write`, step by step as its documentation lists them. */
  write(request: WriteRequest): WriteResult {
    const { userId, idempotency, atMs } = request;
    // 1. A live key answers first: its first outcome again, or key-reused (not kept).
    const kept = idempotency && this.#keys.get(userId)?.get(idempotency.key);
    if (idempotency && kept && kept.expiresAtMs > atMs) {
      return kept.fingerprint === idempotency.fingerprint
        ? { ...kept.result, replayed: true }
        : { status: "key-reused" };
    }
    const result = this.#apply(request);
    if (idempotency) {
      const keys = this.#keys.get(userId) ?? new Map<string, KeptOutcome>();
      keys.set(idempotency.key, { fingerprint: idempotency.fingerprint, expiresAtMs: idempotency.expiresAtMs, result });
      this.#keys.set(userId, keys);
    }
    return result;
  }

  /** Steps 2 to 4: the state, the occupancy, then the change and its event. */
  #apply(request: WriteRequest): KeptResult {
    const { userId, change, atMs } = request;
    const own = this.#records.get(userId) ?? new Map<string, AppointmentRecord>();
    this.#records.set(userId, own);
    const existing = own.get(change.id);
    const idempotencyKey = request.idempotency?.key ?? null;
    const event = (type: ChangeType, record: AppointmentRecord, previous: ModelChange["previous"] = null) => {
      own.set(record.id, record);
      this.#feed.push({ userId, type, record, previous, idempotencyKey, atMs });
      return { status: "written", record, replayed: false } as const;
    };

    if (change.type === "book" || change.type === "hold") {
      if (existing) return { status: "id-taken", replayed: false };
      const refusal = this.#refusal([...own.values()], change.times, change.occupancy, null, atMs);
      if (refusal) return refusal;
      // A choice takes its first claim whose resource is not full; when all are, the first claim's refusal.
      const claims = !change.resource ? [] : "anyOf" in change.resource ? change.resource.anyOf : [change.resource];
      const taken = claims.find((claim) => this.#resourceRefusal(claim, null, atMs) === null);
      if (claims.length > 0 && taken === undefined) {
        return this.#resourceRefusal(claims[0] as ResourceClaim, null, atMs) as KeptResult;
      }
      const held = change.type === "hold";
      return event(held ? "held" : "booked", {
        id: change.id,
        userId,
        status: held ? "held" : "booked",
        version: 1,
        ...pickTimes(change.times),
        createdAtMs: atMs,
        updatedAtMs: atMs,
        cancelledAtMs: null,
        cancellationReason: null,
        previousTimes: [],
        metadata: change.metadata === null ? null : structuredClone(change.metadata),
        resource: spanOf(taken ?? null),
        appointmentType: change.appointmentType ?? null,
        holdExpiresAtMs: held ? change.expiresAtMs : null,
      });
    }

    if (!existing) return { status: "not-found", replayed: false };
    if (change.type === "confirm" || change.type === "release") {
      if (existing.status !== "held") return { status: "not-held", record: existing, replayed: false };
      if (change.type === "confirm" && (existing.holdExpiresAtMs as number) <= atMs) {
        return { status: "hold-expired", record: existing, replayed: false };
      }
      const confirmed = change.type === "confirm";
      return event(confirmed ? "confirmed" : "released", {
        ...existing,
        status: confirmed ? "booked" : "released",
        version: existing.version + 1,
        updatedAtMs: atMs,
      });
    }
    if (existing.status !== "booked") return { status: "not-booked", record: existing, replayed: false };
    if (change.earliestStartMs !== null && existing.startMs < change.earliestStartMs) {
      return { status: "too-late", record: existing, replayed: false };
    }

    if (change.type === "move") {
      const expected = change.expectedVersion ?? null;
      if (expected !== null && expected !== existing.version) {
        return { status: "stale", record: existing, replayed: false };
      }
      const refusal =
        this.#refusal([...own.values()], change.times, change.occupancy, existing.id, atMs) ??
        this.#resourceRefusal(change.resource ?? null, existing, atMs);
      if (refusal) return refusal;
      const previous = { startMs: existing.startMs, endMs: existing.endMs };
      const record: AppointmentRecord = {
        ...existing,
        ...pickTimes(change.times),
        version: existing.version + 1,
        updatedAtMs: atMs,
        previousTimes: [...existing.previousTimes, { ...previous, movedAtMs: atMs }],
        resource: spanOf(change.resource ?? null),
      };
      return event("rescheduled", record, previous);
    }

    return event("cancelled", {
      ...existing,
      status: "cancelled",
      version: existing.version + 1,
      updatedAtMs: atMs,
      cancelledAtMs: atMs,
      cancellationReason: change.reason,
    });
  }

  /**
   * Step 3: limit-reached, counting records that occupy their time at `atMs` (booked, or held until after it)
   * and those cancelled at or after their start, then overlap, with those that occupy their time only; never
   * the one moved.
   */
  #refusal(
    records: AppointmentRecord[],
    times: AppointmentTimes,
    occupancy: Occupancy,
    movedId: string | null,
    atMs: number,
  ): KeptResult | null {
    const counted = records
      .filter((r) => (occupies(r, atMs) || (r.cancelledAtMs ?? -Infinity) >= r.startMs) && r.id !== movedId)
      .sort(byStartThenId);
    const full = occupancy.periods.filter(
      (period) => counted.filter((r) => holds(r, period)).length >= occupancy.limit,
    );
    // `counted` is sorted: the first holder of a full period is the earliest, by start then id.
    const holder = counted.find((r) => full.some((period) => holds(r, period)));
    if (holder) return { status: "limit-reached", conflicting: holder, replayed: false };
    const overlapping = occupancy.noOverlap ? counted.find((r) => occupies(r, atMs) && overlaps(r, times)) : undefined;
    if (overlapping) return { status: "overlap", conflicting: overlapping, replayed: false };
    return null;
  }

  /**
   * After step 3's occupancy: `resource-full` when, at some instant of the claimed span, `capacity` records of
   * the resource that occupy their time at `atMs` (any user's, never the one moved) already occupy it. Every
   * instant is looked at where the count can change: the span's first, and each start of an occupying span
   * within it. The record named is, at the first full instant, the earliest occupant by span start, then user
   * id, then id.
   */
  #resourceRefusal(claim: ResourceClaim | null, moving: AppointmentRecord | null, atMs: number): KeptResult | null {
    if (claim === null) return null;
    const occupying = this.#allRecords().filter(
      (r) =>
        occupies(r, atMs) &&
        r.resource !== null &&
        r.resource.resourceId === claim.resourceId &&
        r.resource.fromMs < claim.toMs &&
        r.resource.toMs > claim.fromMs &&
        !(moving !== null && r.userId === moving.userId && r.id === moving.id),
    );
    const instants = [claim.fromMs, ...occupying.map((r) => (r.resource as ResourceSpan).fromMs)]
      .filter((t) => t >= claim.fromMs && t < claim.toMs)
      .sort((a, b) => a - b);
    for (const instant of instants) {
      const at = occupying
        .filter((r) => (r.resource as ResourceSpan).fromMs <= instant && (r.resource as ResourceSpan).toMs > instant)
        .sort(byResourceOrder);
      const [first] = at;
      if (first && at.length >= claim.capacity) return { status: "resource-full", conflicting: first, replayed: false };
    }
    return null;
  }

  /**
   * The contract's `purgeExpired` for holds: held records whose hold expired at or before `nowMs` are gone
   * (a store may remove them at any time after that, so the model removes them when a case purges).
   */
  purgeHolds(nowMs: number): void {
    for (const own of this.#records.values()) {
      for (const [id, record] of own) {
        if (record.status === "held" && (record.holdExpiresAtMs as number) <= nowMs) own.delete(id);
      }
    }
  }

  #allRecords(): AppointmentRecord[] {
    return [...this.#records.values()].flatMap((own) => [...own.values()]);
  }

  /** The contract's `listResourceAppointments`, over the users this model has seen. */
  listResource(resourceId: string, query: ResourceRecordQuery = {}): AppointmentRecord[] {
    const { fromMs, toMs, limit } = query;
    const listed = this.#allRecords()
      .filter(
        (r) =>
          (r.status === "booked" || r.status === "held") && r.resource !== null && r.resource.resourceId === resourceId,
      )
      .filter(
        (r) =>
          (fromMs === undefined || (r.resource as ResourceSpan).toMs > fromMs) &&
          (toMs === undefined || (r.resource as ResourceSpan).fromMs < toMs),
      )
      .sort(byResourceOrder);
    return limit === undefined ? listed : listed.slice(0, limit);
  }

  /** The contract's `listAppointments`. */
  list(userId: string, query: RecordQuery = {}): AppointmentRecord[] {
    const { fromMs, toMs, status = "booked", after, limit } = query;
    const listed = [...(this.#records.get(userId)?.values() ?? [])]
      .filter(
        (r) =>
          status === "all" ||
          r.status === "booked" ||
          (status === "holding" && (r.status === "held" || (r.cancelledAtMs ?? Number.NEGATIVE_INFINITY) >= r.startMs)),
      )
      .filter((r) => (fromMs === undefined || r.endMs > fromMs) && (toMs === undefined || r.startMs < toMs))
      .filter((r) => after === undefined || byStartThenId(r, after) > 0)
      .sort(byStartThenId);
    return limit === undefined ? listed : listed.slice(0, limit);
  }

  /** The contract's `getAppointment`. */
  get(userId: string, id: string): AppointmentRecord | null {
    return this.#records.get(userId)?.get(id) ?? null;
  }

  /** The feed, oldest first: all of it, or one user's events. */
  changes(userId?: string): ModelChange[] {
    return userId === undefined ? [...this.#feed] : this.#feed.filter((change) => change.userId === userId);
  }
}

/** The four times of a change, and nothing else the object may carry. */
function pickTimes({ startMs, endMs, localStartMs, localEndMs }: AppointmentTimes): AppointmentTimes {
  return { startMs, endMs, localStartMs, localEndMs };
}

/** The span a record keeps of a claim: its three fields, without the check's. */
function spanOf(claim: ResourceClaim | null): ResourceSpan | null {
  return claim === null ? null : { resourceId: claim.resourceId, fromMs: claim.fromMs, toMs: claim.toMs };
}

/** The contract's order of a resource's records: span start, then user id, then id (code units). */
export function byResourceOrder(a: AppointmentRecord, b: AppointmentRecord): number {
  const aFrom = a.resource?.fromMs ?? Number.NEGATIVE_INFINITY;
  const bFrom = b.resource?.fromMs ?? Number.NEGATIVE_INFINITY;
  if (aFrom !== bFrom) return aFrom < bFrom ? -1 : 1;
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** An event of the model without its user: what a store's event must equal, position aside. */
export function factsOf({ userId: _userId, ...facts }: ModelChange): ChangeFacts {
  return facts;
}
