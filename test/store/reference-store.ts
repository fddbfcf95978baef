/**
 * A small, plain store of the contract, written for the kit's self-test: one protected method per rule, so
 * that each broken store (`broken-stores.ts`) overrides exactly one and differs from a correct store in that
 * rule only. It is a second correct store besides `MemoryStore`, written separately and more plainly: the kit must
 * pass both, so that it does not merely describe one implementation.
 */
import type {
  AppointmentRecord,
  AppointmentStore,
  AppointmentTimes,
  ChangeQuery,
  ChangeRecord,
  MsRange,
  Occupancy,
  RecordQuery,
  ResourceClaim,
  ResourceRecordQuery,
  ResourceSpan,
  StoreOperationOptions,
  WriteRequest,
  WriteResult,
} from "appointment-scheduler";

/** What a key keeps: the fingerprint, until when, and the first outcome. */
export interface KeptOutcome {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  readonly result: WriteResult;
}

/** What steps 2 to 4 decided: the outcome, and for a committed change, the record and event to write. */
export interface Decision {
  readonly result: WriteResult;
  readonly record?: AppointmentRecord;
  /** The record a move or cancel replaces: removed before the new one is stored (a broken store may re-id it). */
  readonly replaced?: AppointmentRecord;
  readonly event?: Omit<ChangeRecord, "position">;
}

interface KeptEvent {
  readonly change: ChangeRecord;
  readonly sequence: number;
  readonly expiresAtMs: number;
}

export class ReferenceStore implements AppointmentStore {
  /** `userId \0 id` → record. */
  protected readonly records = new Map<string, AppointmentRecord>();
  /** `userId \0 key` → the key's first outcome. */
  protected readonly keys = new Map<string, KeptOutcome>();
  protected feed: KeptEvent[] = [];
  protected sequence = 0;
  /** The `atMs` of the write being decided: what a hold's expiry is judged against. */
  protected now = 0;

  // ——— write: the three steps, synchronously, so that nothing interleaves ———

  async write(request: WriteRequest, options?: StoreOperationOptions): Promise<WriteResult> {
    // A copy: the caller may change what it gets back.
    return structuredClone(this.writeNow(request, options));
  }

  protected writeNow(request: WriteRequest, _options?: StoreOperationOptions): WriteResult {
    const answered = this.keyAnswer(request);
    if (answered) return answered;
    const decision = this.decide(request);
    this.commit(request, decision);
    return decision.result;
  }

  /** Step 1: the answer of a live key, if any. */
  protected keyAnswer(request: WriteRequest): WriteResult | undefined {
    const claim = request.idempotency;
    if (!claim) return undefined;
    const kept = this.keys.get(this.keyScope(request.userId, claim.key));
    if (!kept || !this.keyLive(kept, request.atMs)) return undefined;
    if (kept.fingerprint !== claim.fingerprint) return this.keyReused(request, kept);
    return this.replay(kept);
  }

  protected keyScope(userId: string, key: string): string {
    return `${userId}\u0000${key}`;
  }

  protected keyLive(kept: KeptOutcome, atMs: number): boolean {
    return kept.expiresAtMs > atMs;
  }

  protected keyReused(_request: WriteRequest, _kept: KeptOutcome): WriteResult {
    return { status: "key-reused" };
  }

  protected replay(kept: KeptOutcome): WriteResult {
    return { ...kept.result, replayed: true } as WriteResult;
  }

  /** Steps 2 to 4, without changing anything. */
  protected decide(request: WriteRequest): Decision {
    const { userId, change, atMs } = request;
    this.now = atMs;
    const idempotencyKey = request.idempotency?.key ?? null;
    if (change.type === "book" || change.type === "hold") {
      if (this.idTaken(userId, change.id)) return { result: { status: "id-taken", replayed: false } };
      const occupancy = this.occupancyRefusal(userId, change.times, change.occupancy, null);
      if (occupancy) return { result: occupancy };
      const claims = this.claimOrder(
        !change.resource ? [] : "anyOf" in change.resource ? change.resource.anyOf : [change.resource],
      );
      const taken = claims.find((claim) => !this.resourceRefusal(claim, change.times, null));
      if (claims.length > 0 && !taken) {
        return { result: this.resourceRefusal(claims[0] as ResourceClaim, change.times, null) as WriteResult };
      }
      const record = this.booked(request, taken ?? null);
      const type = change.type === "hold" ? "held" : "booked";
      return { result: written(record), record, event: { type, record, previous: null, idempotencyKey, atMs } };
    }
    const existing = this.target(userId, change.id);
    if (!existing) return { result: { status: "not-found", replayed: false } };
    if (change.type === "confirm" || change.type === "release") {
      if (existing.status !== "held") return { result: { status: "not-held", record: existing, replayed: false } };
      if (change.type === "confirm" && this.holdExpired(existing)) {
        return { result: { status: "hold-expired", record: existing, replayed: false } };
      }
      const confirmed = change.type === "confirm";
      const record: AppointmentRecord = {
        ...existing,
        status: confirmed ? "booked" : "released",
        version: existing.version + 1,
        updatedAtMs: atMs,
      };
      const type = confirmed ? "confirmed" : "released";
      return {
        result: written(record),
        record,
        replaced: existing,
        event: { type, record, previous: null, idempotencyKey, atMs },
      };
    }
    if (!this.changeable(existing)) return { result: { status: "not-booked", record: existing, replayed: false } };
    if (this.tooLate(existing, change.earliestStartMs)) {
      return { result: { status: "too-late", record: existing, replayed: false } };
    }
    if (change.type === "move") {
      if (this.stale(existing, change.expectedVersion ?? null)) {
        return { result: { status: "stale", record: existing, replayed: false } };
      }
      const refusal =
        this.occupancyRefusal(userId, change.times, change.occupancy, existing) ??
        this.resourceRefusal(change.resource ?? null, change.times, existing);
      if (refusal) return { result: refusal };
      const record = { ...this.moved(existing, change.times, atMs), resource: this.spanOf(change.resource ?? null) };
      const previous = { startMs: existing.startMs, endMs: existing.endMs };
      return {
        result: written(record),
        record,
        replaced: existing,
        event: { type: "rescheduled", record, previous: this.eventPrevious(previous), idempotencyKey, atMs },
      };
    }
    const record = this.cancelled(existing, change.reason, atMs);
    return {
      result: written(record),
      record,
      replaced: existing,
      event: { type: "cancelled", record, previous: null, idempotencyKey, atMs },
    };
  }

  /** The order in which a choice's claims are tried: as given. */
  protected claimOrder(claims: readonly ResourceClaim[]): readonly ResourceClaim[] {
    return claims;
  }

  /** Whether a held record's hold has expired at the write's instant. */
  protected holdExpired(record: AppointmentRecord): boolean {
    return (record.holdExpiresAtMs as number) <= this.now;
  }

  /** Whether a record occupies its time at the write's instant: booked, or held and not expired. */
  protected occupies(record: AppointmentRecord): boolean {
    return record.status === "booked" || (record.status === "held" && !this.holdExpired(record));
  }

  /** Writes what was decided: the record, the event, the key's outcome. */
  protected commit(request: WriteRequest, decision: Decision): void {
    if (decision.replaced) this.records.delete(this.recordKey(decision.replaced));
    if (decision.record) this.store(decision.record);
    if (decision.event) this.append(decision.event, request.changeExpiresAtMs);
    this.keep(request, decision.result);
  }

  protected keep(request: WriteRequest, result: WriteResult): void {
    const claim = request.idempotency;
    if (!claim) return;
    const kept = { fingerprint: claim.fingerprint, expiresAtMs: claim.expiresAtMs, result };
    this.keys.set(this.keyScope(request.userId, claim.key), kept);
  }

  protected store(record: AppointmentRecord): void {
    this.records.set(this.recordKey(record), record);
  }

  protected append(event: Omit<ChangeRecord, "position">, expiresAtMs: number): void {
    const sequence = ++this.sequence;
    this.feed.push({ change: { ...event, position: String(sequence) }, sequence, expiresAtMs });
  }

  protected recordKey(record: AppointmentRecord): string {
    return `${record.userId}\u0000${record.id}`;
  }

  protected find(userId: string, id: string): AppointmentRecord | undefined {
    return this.records.get(`${userId}\u0000${id}`);
  }

  /** Whether the user already has a record with this id, of any status. */
  protected idTaken(userId: string, id: string): boolean {
    return this.find(userId, id) !== undefined;
  }

  /** The record a move or cancel names: the user's own. */
  protected target(userId: string, id: string): AppointmentRecord | undefined {
    return this.find(userId, id);
  }

  /** Whether a move or cancel may change the record. */
  protected changeable(record: AppointmentRecord): boolean {
    return record.status === "booked";
  }

  /** Whether a move or cancel comes too late: the record starts before the change's `earliestStartMs`. */
  protected tooLate(record: AppointmentRecord, earliestStartMs: number | null): boolean {
    return earliestStartMs !== null && record.startMs < earliestStartMs;
  }

  /** Whether a move was computed from another version of the record than the one stored. */
  protected stale(record: AppointmentRecord, expectedVersion: number | null): boolean {
    return expectedVersion !== null && record.version !== expectedVersion;
  }

  // ——— step 3: the occupancy ———

  protected occupancyRefusal(
    userId: string,
    times: AppointmentTimes,
    occupancy: Occupancy,
    moving: AppointmentRecord | null,
  ): WriteResult | undefined {
    const candidates = this.candidates(userId, occupancy.candidatesStartWithin).filter((r) => this.counts(r, moving));
    const limit = this.limitReached(candidates, occupancy);
    const overlap = occupancy.noOverlap ? this.overlapping(candidates, times) : undefined;
    return this.firstRefusal(limit, overlap);
  }

  /** The user's records that may collide, in start-then-id order. */
  protected candidates(userId: string, within: MsRange): AppointmentRecord[] {
    return this.recordsOf(userId).filter((r) => r.startMs >= within.fromMs && r.startMs < within.toMs);
  }

  /**
   * Whether a record counts toward limits (and, if booked, overlaps): booked, or cancelled at or after its
   * start, and not the one moved.
   */
  protected counts(record: AppointmentRecord, moving: AppointmentRecord | null): boolean {
    const usedTime = record.cancelledAtMs !== null && record.cancelledAtMs >= record.startMs;
    return (this.occupies(record) || usedTime) && record.id !== moving?.id;
  }

  protected holds(record: AppointmentRecord, period: MsRange): boolean {
    return record.localStartMs < period.toMs && record.localEndMs > period.fromMs;
  }

  protected effectiveLimit(occupancy: Occupancy): number {
    return occupancy.limit;
  }

  protected limitReached(candidates: AppointmentRecord[], occupancy: Occupancy): WriteResult | undefined {
    const limit = this.effectiveLimit(occupancy);
    const full = occupancy.periods.filter((p) => candidates.filter((r) => this.holds(r, p)).length >= limit);
    const conflicting = this.conflictingHolder(candidates, full);
    return conflicting && { status: "limit-reached", conflicting, replayed: false };
  }

  /** The earliest (start, then id) holder of any full period; `candidates` are in that order. */
  protected conflictingHolder(candidates: AppointmentRecord[], full: MsRange[]): AppointmentRecord | undefined {
    return candidates.find((r) => full.some((p) => this.holds(r, p)));
  }

  protected overlapping(candidates: AppointmentRecord[], times: AppointmentTimes): WriteResult | undefined {
    const conflicting = candidates.find((r) => this.overlaps(r, times));
    return conflicting && { status: "overlap", conflicting, replayed: false };
  }

  protected overlaps(record: AppointmentRecord, times: AppointmentTimes): boolean {
    return this.occupies(record) && record.startMs < times.endMs && record.endMs > times.startMs;
  }

  /** The limit first, then the overlap. */
  protected firstRefusal(limit: WriteResult | undefined, overlap: WriteResult | undefined): WriteResult | undefined {
    return limit ?? overlap;
  }

  // ——— step 3, last: the resource's capacity, across users ———

  /**
   * `resource-full` when, at the first instant of the claimed span at which `capacity` booked records of the
   * resource (of any user, not the one moved) occupy it, naming the earliest of them.
   */
  protected resourceRefusal(
    claim: ResourceClaim | null,
    times: AppointmentTimes,
    moving: AppointmentRecord | null,
  ): WriteResult | undefined {
    if (claim === null) return undefined;
    const claimed = this.claimedSpan(claim, times);
    const occupying = this.resourceCandidates(claim)
      .filter((r) => !(moving && r.userId === moving.userId && r.id === moving.id))
      .filter((r) => {
        const span = this.occupiedSpan(r);
        return span.fromMs < claimed.toMs && span.toMs > claimed.fromMs;
      });
    for (const instant of this.resourceInstants(claimed, occupying)) {
      const at = occupying.filter((r) => {
        const span = this.occupiedSpan(r);
        return span.fromMs <= instant && span.toMs > instant;
      });
      if (at.length >= claim.capacity) {
        const [conflicting] = at.sort(resourceOrder);
        if (conflicting) return { status: "resource-full", conflicting, replayed: false };
      }
    }
    return undefined;
  }

  /** The booked records of the claim's resource whose span starts within its candidates window. */
  protected resourceCandidates(claim: ResourceClaim): AppointmentRecord[] {
    const within = claim.candidatesStartWithin;
    return [...this.records.values()].filter(
      (r) =>
        this.occupies(r) &&
        r.resource !== null &&
        r.resource.resourceId === claim.resourceId &&
        r.resource.fromMs >= within.fromMs &&
        r.resource.fromMs < within.toMs,
    );
  }

  /** What a claim occupies: its span, buffers included. */
  protected claimedSpan(claim: ResourceClaim, _times: AppointmentTimes): { fromMs: number; toMs: number } {
    return claim;
  }

  /** What a record occupies of its resource: its span. */
  protected occupiedSpan(record: AppointmentRecord): { fromMs: number; toMs: number } {
    return record.resource as ResourceSpan;
  }

  /** The instants at which the count can reach the capacity, in order: the span's start and starts within it. */
  protected resourceInstants(claimed: { fromMs: number; toMs: number }, occupying: AppointmentRecord[]): number[] {
    const starts = occupying.map((r) => this.occupiedSpan(r).fromMs).filter((t) => t > claimed.fromMs);
    return [claimed.fromMs, ...starts].sort((a, b) => a - b);
  }

  protected spanOf(claim: ResourceClaim | null): ResourceSpan | null {
    return claim === null ? null : { resourceId: claim.resourceId, fromMs: claim.fromMs, toMs: claim.toMs };
  }

  // ——— step 4: the records each change builds ———

  /** The record a `book` or `hold` writes, occupying the claim it took (or none). */
  protected booked(request: WriteRequest, taken: ResourceClaim | null): AppointmentRecord {
    const { change } = request;
    if (change.type !== "book" && change.type !== "hold") throw new TypeError("not a booking");
    const { id, times, metadata, appointmentType } = change;
    return {
      id,
      userId: request.userId,
      status: change.type === "hold" ? "held" : "booked",
      version: 1,
      ...timesOf(times),
      createdAtMs: request.atMs,
      updatedAtMs: request.atMs,
      cancelledAtMs: null,
      cancellationReason: null,
      previousTimes: [],
      metadata: this.ownMetadata(metadata),
      resource: this.spanOf(taken),
      appointmentType: appointmentType ?? null,
      holdExpiresAtMs: change.type === "hold" ? change.expiresAtMs : null,
    };
  }

  protected ownMetadata(metadata: AppointmentRecord["metadata"]): AppointmentRecord["metadata"] {
    return metadata === null ? null : structuredClone(metadata);
  }

  protected moved(record: AppointmentRecord, times: AppointmentTimes, atMs: number): AppointmentRecord {
    return {
      ...record,
      ...timesOf(times),
      version: record.version + 1,
      updatedAtMs: atMs,
      previousTimes: [...record.previousTimes, { startMs: record.startMs, endMs: record.endMs, movedAtMs: atMs }],
    };
  }

  protected cancelled(record: AppointmentRecord, reason: string | null, atMs: number): AppointmentRecord {
    return {
      ...record,
      status: "cancelled",
      version: record.version + 1,
      updatedAtMs: atMs,
      cancelledAtMs: atMs,
      cancellationReason: reason,
    };
  }

  protected eventPrevious(previous: { startMs: number; endMs: number }): ChangeRecord["previous"] {
    return previous;
  }

  // ——— reads ———

  /** The user's records of every status, in start-then-id order. */
  protected recordsOf(userId: string): AppointmentRecord[] {
    return [...this.records.values()].filter((r) => r.userId === userId).sort(this.order);
  }

  protected order(a: AppointmentRecord, b: { startMs: number; id: string }): number {
    return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  async listAppointments(userId: string, query: RecordQuery): Promise<AppointmentRecord[]> {
    const { fromMs, toMs, after, limit } = query;
    const listed = this.recordsOf(userId)
      .filter((r) => this.listedStatus(r, query.status ?? "booked"))
      .filter((r) => this.inRange(r, fromMs, toMs))
      .filter((r) => after === undefined || this.isAfter(r, after));
    return (limit === undefined ? listed : listed.slice(0, limit)).map(copy);
  }

  protected isAfter(record: AppointmentRecord, after: { startMs: number; id: string }): boolean {
    return this.order(record, after) > 0;
  }

  protected listedStatus(record: AppointmentRecord, status: "booked" | "holding" | "all"): boolean {
    const usedTime = record.cancelledAtMs !== null && record.cancelledAtMs >= record.startMs;
    if (status === "holding") return record.status === "booked" || record.status === "held" || usedTime;
    return status === "all" || record.status === "booked";
  }

  protected inRange(record: AppointmentRecord, fromMs: number | undefined, toMs: number | undefined): boolean {
    return (fromMs === undefined || record.endMs > fromMs) && (toMs === undefined || record.startMs < toMs);
  }

  async listResourceAppointments(resourceId: string, query: ResourceRecordQuery): Promise<AppointmentRecord[]> {
    const { fromMs, toMs, limit } = query;
    const listed = [...this.records.values()]
      .filter(
        (r) =>
          (r.status === "booked" || r.status === "held") && r.resource !== null && r.resource.resourceId === resourceId,
      )
      .filter((r) => {
        const span = r.resource as ResourceSpan;
        return (fromMs === undefined || span.toMs > fromMs) && (toMs === undefined || span.fromMs < toMs);
      })
      .sort(resourceOrder);
    return (limit === undefined ? listed : listed.slice(0, limit)).map(copy);
  }

  async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    const record = this.find(userId, id);
    return record ? copy(record) : null;
  }

  async readChanges(query: ChangeQuery): Promise<ChangeRecord[]> {
    const after = query.after === undefined ? 0 : Number(query.after);
    return this.feed
      .filter((kept) => kept.sequence > after)
      .filter((kept) => query.userId === undefined || kept.change.record.userId === query.userId)
      .slice(0, query.limit)
      .map((kept) => kept.change);
  }

  async purgeExpired(nowMs: number): Promise<number> {
    const before = this.feed.length + this.keys.size + this.records.size;
    this.feed = this.feed.filter((kept) => kept.expiresAtMs > nowMs);
    for (const [scope, kept] of this.keys) if (kept.expiresAtMs <= nowMs) this.keys.delete(scope);
    for (const [scope, record] of this.records) {
      if (record.status === "held" && (record.holdExpiresAtMs as number) <= nowMs) this.records.delete(scope);
    }
    return before - this.feed.length - this.keys.size - this.records.size;
  }
}

/** A resource's order: span start, then user id, then id (code units). */
function resourceOrder(a: AppointmentRecord, b: AppointmentRecord): number {
  const aFrom = a.resource?.fromMs ?? 0;
  const bFrom = b.resource?.fromMs ?? 0;
  if (aFrom !== bFrom) return aFrom - bFrom;
  if (a.userId !== b.userId) return a.userId < b.userId ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function written(record: AppointmentRecord): WriteResult {
  return { status: "written", record, replayed: false };
}

function timesOf({ startMs, endMs, localStartMs, localEndMs }: AppointmentTimes): AppointmentTimes {
  return { startMs, endMs, localStartMs, localEndMs };
}

/** A copy the caller may change: records are immutable here, but their metadata is a plain object. */
function copy(record: AppointmentRecord): AppointmentRecord {
  return structuredClone(record);
}
