/**
 * Stores that each break one promise of the contract: the kit must catch every one. Each is the reference
 * store (`reference-store.ts`) with one rule overridden, so a case that rejects it has caught that rule.
 */
import {
  type AppointmentRecord,
  type AppointmentTimes,
  type ChangeQuery,
  type ChangeRecord,
  type MsRange,
  OperationAbortedError,
  type RecordQuery,
  type ResourceClaim,
  type ResourceRecordQuery,
  type StoreOperationOptions,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";
import { type Decision, type KeptOutcome, ReferenceStore } from "./reference-store.js";

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

// ——— atomicity: a write that yields between its checks and its changes ———

/** Checks the key, the record and the occupancy, yields, then writes what it decided: the classic race. */
export class CheckThenWriteStore extends ReferenceStore {
  override async write(request: WriteRequest): Promise<WriteResult> {
    const answered = this.keyAnswer(request);
    if (answered) return structuredClone(answered);
    const decision = this.decide(request);
    await tick();
    this.commit(request, decision);
    return structuredClone(decision.result);
  }
}

/** Checks the key, yields, then writes atomically: two concurrent retries of one request both run. */
export class RacyKeyStore extends ReferenceStore {
  override async write(request: WriteRequest): Promise<WriteResult> {
    const answered = this.keyAnswer(request);
    if (answered) return structuredClone(answered);
    await tick();
    const decision = this.decide(request);
    this.commit(request, decision);
    return structuredClone(decision.result);
  }
}

/**
 * Takes its event's position when the write starts and shows the event when it commits, later: a reader
 * can see a later position first, read on after it, and never see the earlier one (a sequence assigned
 * before commit, read without waiting for older transactions, as a naive SQL feed does).
 */
export class PositionBeforeCommitStore extends ReferenceStore {
  #reserved: number | undefined;
  override async write(request: WriteRequest): Promise<WriteResult> {
    const answered = this.keyAnswer(request);
    if (answered) return structuredClone(answered);
    const position = ++this.sequence;
    // Every other write takes longer: the later one commits first.
    await tick(position % 2 === 0 ? 0 : 3);
    this.#reserved = position;
    const decision = this.decide(request);
    this.commit(request, decision);
    this.#reserved = undefined;
    return structuredClone(decision.result);
  }
  protected override append(event: Omit<ChangeRecord, "position">, expiresAtMs: number): void {
    const sequence = this.#reserved ?? ++this.sequence;
    this.feed.push({ change: { ...event, position: String(sequence) }, sequence, expiresAtMs });
    this.feed.sort((a, b) => a.sequence - b.sequence);
  }
}

/** Commits, then rejects with a typed error when the caller's signal has fired: a failure that wrote. */
export class CommitsThenRejectsStore extends ReferenceStore {
  override async write(request: WriteRequest, options?: StoreOperationOptions): Promise<WriteResult> {
    const result = await super.write(request);
    if (options?.signal?.aborted) throw new OperationAbortedError({ cause: options.signal.reason });
    return result;
  }
}

// ——— step 3: limits and overlaps ———

/** Never refuses for a limit. */
export class NoLimitStore extends ReferenceStore {
  protected override effectiveLimit(): number {
    return Number.POSITIVE_INFINITY;
  }
}

/** Takes every limit as 1: right for the seed's rule, wrong for `limit > 1`. */
export class LimitOneStore extends ReferenceStore {
  protected override effectiveLimit(): number {
    return 1;
  }
}

/** Counts cancelled records toward limits and overlaps. */
export class CountsCancelledStore extends ReferenceStore {
  protected override counts(record: AppointmentRecord, moving: AppointmentRecord | null): boolean {
    return record.id !== moving?.id;
  }
}

/** Counts the record being moved: a move within its own full period, or onto its own time, is refused. */
export class CountsMovedRecordStore extends ReferenceStore {
  protected override counts(record: AppointmentRecord): boolean {
    return record.status === "booked";
  }
}

/** Tells holders of a period by their instants instead of their local times. */
export class InstantPeriodsStore extends ReferenceStore {
  protected override holds(record: AppointmentRecord, period: MsRange): boolean {
    return record.startMs < period.toMs && record.endMs > period.fromMs;
  }
}

/** Takes a period's end as inclusive: a record starting exactly at its end holds it. */
export class InclusivePeriodEndStore extends ReferenceStore {
  protected override holds(record: AppointmentRecord, period: MsRange): boolean {
    return record.localStartMs <= period.toMs && record.localEndMs > period.fromMs;
  }
}

/** Never refuses for an overlap. */
export class IgnoresOverlapStore extends ReferenceStore {
  protected override overlapping(): WriteResult | undefined {
    return undefined;
  }
}

/** Takes touching appointments as overlapping. */
export class TouchingOverlapStore extends ReferenceStore {
  protected override overlaps(record: AppointmentRecord, times: AppointmentTimes): boolean {
    return record.startMs <= times.endMs && record.endMs >= times.startMs;
  }
}

/** Checks the overlap before the limit. */
export class OverlapBeforeLimitStore extends ReferenceStore {
  protected override firstRefusal(limit: WriteResult | undefined, overlap: WriteResult | undefined) {
    return overlap ?? limit;
  }
}

/** Names the earliest holder of the first full period in the request's order, not of all full periods. */
export class FirstFullPeriodConflictStore extends ReferenceStore {
  protected override conflictingHolder(candidates: AppointmentRecord[], full: MsRange[]) {
    const [first] = full;
    return first && candidates.find((r) => this.holds(r, first));
  }
}

/** Looks for candidates only strictly after the window's start: misses one starting on its first millisecond. */
export class ExclusiveWindowStartStore extends ReferenceStore {
  protected override candidates(userId: string, within: MsRange): AppointmentRecord[] {
    return this.recordsOf(userId).filter((r) => r.startMs > within.fromMs && r.startMs < within.toMs);
  }
}

// ——— steps 2 and 4: the records ———

/** Deletes a cancelled record instead of keeping it. */
export class CancelDeletesStore extends ReferenceStore {
  protected override commit(request: WriteRequest, decision: Decision): void {
    super.commit(request, decision);
    if (decision.event?.type === "cancelled" && decision.record) this.records.delete(this.recordKey(decision.record));
  }
}

/** Gives a moved appointment a new id, as a delete and an insert. */
export class MoveNewIdStore extends ReferenceStore {
  protected override moved(record: AppointmentRecord, times: AppointmentTimes, atMs: number): AppointmentRecord {
    return { ...super.moved(record, times, atMs), id: `${record.id}~moved` };
  }
}

/** Forgets where a moved appointment was. */
export class ForgetsPreviousTimesStore extends ReferenceStore {
  protected override moved(record: AppointmentRecord, times: AppointmentTimes, atMs: number): AppointmentRecord {
    return { ...super.moved(record, times, atMs), previousTimes: record.previousTimes };
  }
}

/** Keeps the version of a record through its changes. */
export class VersionKeptStore extends ReferenceStore {
  protected override moved(record: AppointmentRecord, times: AppointmentTimes, atMs: number): AppointmentRecord {
    return { ...super.moved(record, times, atMs), version: record.version };
  }
  protected override cancelled(record: AppointmentRecord, reason: string | null, atMs: number): AppointmentRecord {
    return { ...super.cancelled(record, reason, atMs), version: record.version };
  }
}

/** Moves a record's instants but keeps its old local times: later limits count it where it was. */
export class MoveKeepsLocalTimesStore extends ReferenceStore {
  protected override moved(record: AppointmentRecord, times: AppointmentTimes, atMs: number): AppointmentRecord {
    return { ...super.moved(record, times, atMs), localStartMs: record.localStartMs, localEndMs: record.localEndMs };
  }
}

/** Moves and cancels cancelled records again, instead of answering not-booked. */
export class ChangesCancelledStore extends ReferenceStore {
  protected override changeable(): boolean {
    return true;
  }
}

/** Moves and cancels records whatever their start, ignoring the change's earliestStartMs. */
export class IgnoresEarliestStartStore extends ReferenceStore {
  protected override tooLate(): boolean {
    return false;
  }
}

/** Gives the quota back when a record is cancelled after its start: counts booked records only. */
export class FreesUsedTimeStore extends ReferenceStore {
  protected override counts(record: AppointmentRecord, moving: AppointmentRecord | null): boolean {
    return record.status === "booked" && record.id !== moving?.id;
  }
}

/** Blocks overlaps with records cancelled after their start, as if they were still booked. */
export class OverlapsUsedTimeStore extends ReferenceStore {
  protected override overlaps(record: AppointmentRecord, times: AppointmentTimes): boolean {
    return record.startMs < times.endMs && record.endMs > times.startMs;
  }
}

/** Overwrites a record when a booking names its id, instead of answering id-taken. */
export class OverwritesIdStore extends ReferenceStore {
  protected override idTaken(): boolean {
    return false;
  }
}

/** Answers id-taken when another user has the id: ids global, not per user. */
export class GlobalIdsStore extends ReferenceStore {
  protected override idTaken(_userId: string, id: string): boolean {
    return [...this.records.values()].some((r) => r.id === id);
  }
}

/**
 * Looks for a booking's id only where it looks for collisions, among the records starting in the candidates
 * window: an id held by a record far from the new one goes unnoticed, and the user has two records of one id.
 */
export class IdTakenAmongCandidatesStore extends ReferenceStore {
  #window: MsRange | undefined;
  protected override decide(request: WriteRequest): Decision {
    this.#window = request.change.type === "book" ? request.change.occupancy.candidatesStartWithin : undefined;
    return super.decide(request);
  }
  protected override idTaken(userId: string, id: string): boolean {
    const record = this.find(userId, id);
    const window = this.#window;
    return record !== undefined && (!window || (record.startMs >= window.fromMs && record.startMs < window.toMs));
  }
}

/** Moves or cancels a record by id whoever owns it. */
export class ForeignRecordStore extends ReferenceStore {
  protected override target(userId: string, id: string): AppointmentRecord | undefined {
    return this.find(userId, id) ?? [...this.records.values()].find((r) => r.id === id);
  }
}

/** Deletes the record of a move before checking it, and does not put it back when the move is refused. */
export class RefusedMoveLosesRecordStore extends ReferenceStore {
  protected override commit(request: WriteRequest, decision: Decision): void {
    super.commit(request, decision);
    const refused = decision.result.status === "limit-reached" || decision.result.status === "overlap";
    if (request.change.type === "move" && refused) this.records.delete(`${request.userId}\u0000${request.change.id}`);
  }
}

/** Keeps and returns the caller's own objects: changing them afterwards changes the store. */
export class SharedReferenceStore extends ReferenceStore {
  override async write(request: WriteRequest): Promise<WriteResult> {
    return this.writeNow(request);
  }
  protected override ownMetadata(metadata: AppointmentRecord["metadata"]): AppointmentRecord["metadata"] {
    return metadata;
  }
  override async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.find(userId, id) ?? null;
  }
}

// ——— step 1: idempotency keys ———

/** Ignores idempotency keys: a retry writes again. */
export class IgnoresKeyStore extends ReferenceStore {
  protected override keyAnswer(): WriteResult | undefined {
    return undefined;
  }
}

/** Replays a key's outcome without saying so: `replayed: false`. */
export class ReplayNotFlaggedStore extends ReferenceStore {
  protected override replay(kept: KeptOutcome): WriteResult {
    return kept.result;
  }
}

/** Replays a written outcome with the record as it is now, not as it was written. */
export class ReplaysCurrentRecordStore extends ReferenceStore {
  protected override replay(kept: KeptOutcome): WriteResult {
    const replayed = super.replay(kept);
    if (replayed.status !== "written") return replayed;
    return { ...replayed, record: this.find(replayed.record.userId, replayed.record.id) ?? replayed.record };
  }
}

/** Keeps only written outcomes under a key: a retried refusal is decided again. */
export class RefusalsNotKeptStore extends ReferenceStore {
  protected override keep(request: WriteRequest, result: WriteResult): void {
    if (result.status === "written") super.keep(request, result);
  }
}

/** Keeps key-reused: the key then belongs to the second request. */
export class KeepsKeyReusedStore extends ReferenceStore {
  protected override keyReused(request: WriteRequest, kept: KeptOutcome): WriteResult {
    const result: WriteResult = { status: "key-reused" };
    if (request.idempotency)
      this.keys.set(this.keyScope(request.userId, request.idempotency.key), {
        ...kept,
        fingerprint: request.idempotency.fingerprint,
      });
    return result;
  }
}

/** Keeps keys forever: an expired key is still answered. */
export class KeysNeverExpireStore extends ReferenceStore {
  protected override keyLive(): boolean {
    return true;
  }
}

/** Takes a key as live at its expiry instant too. */
export class InclusiveKeyExpiryStore extends ReferenceStore {
  protected override keyLive(kept: KeptOutcome, atMs: number): boolean {
    return kept.expiresAtMs >= atMs;
  }
}

/** Keeps keys for all users together: one user's key answers another's request. */
export class GlobalKeysStore extends ReferenceStore {
  protected override keyScope(_userId: string, key: string): string {
    return key;
  }
}

// ——— the feed ———

/** Appends an event for a refused write too (the conflicting record, as if booked). */
export class EventForRefusalStore extends ReferenceStore {
  protected override commit(request: WriteRequest, decision: Decision): void {
    super.commit(request, decision);
    const { result } = decision;
    if (result.status === "limit-reached" || result.status === "overlap") {
      this.append(
        { type: "booked", record: result.conflicting, previous: null, idempotencyKey: null, atMs: request.atMs },
        request.changeExpiresAtMs,
      );
    }
  }
}

/** Appends the event again when it replays a written outcome. */
export class EventOnReplayStore extends ReferenceStore {
  protected override replay(kept: KeptOutcome): WriteResult {
    const replayed = super.replay(kept);
    const event = this.feed.find((e) => replayed.status === "written" && e.change.record.id === replayed.record.id);
    if (event) this.append(event.change, event.expiresAtMs);
    return replayed;
  }
}

/** Appends every event twice. */
export class DoubleEventStore extends ReferenceStore {
  protected override append(event: Omit<ChangeRecord, "position">, expiresAtMs: number): void {
    super.append(event, expiresAtMs);
    super.append(event, expiresAtMs);
  }
}

/** Appends no event for a cancel. */
export class NoCancelEventStore extends ReferenceStore {
  protected override append(event: Omit<ChangeRecord, "position">, expiresAtMs: number): void {
    if (event.type !== "cancelled") super.append(event, expiresAtMs);
  }
}

/** Gives a move's event no `previous`. */
export class MoveEventWithoutPreviousStore extends ReferenceStore {
  protected override eventPrevious(): ChangeRecord["previous"] {
    return null;
  }
}

/** Returns each page of the feed newest first. */
export class ReversedPagesStore extends ReferenceStore {
  override async readChanges(query: ChangeQuery): Promise<ChangeRecord[]> {
    return (await super.readChanges(query)).reverse();
  }
}

/** Skips the first event after `after`: a consumer reading on misses one event per page. */
export class PagingSkipsStore extends ReferenceStore {
  override async readChanges(query: ChangeQuery): Promise<ChangeRecord[]> {
    if (query.after === undefined) return super.readChanges(query);
    return (await super.readChanges({ ...query, limit: query.limit + 1 })).slice(1);
  }
}

/** Ignores the `userId` filter of the feed: every user's events. */
export class LeakyFeedStore extends ReferenceStore {
  override async readChanges(query: ChangeQuery): Promise<ChangeRecord[]> {
    return super.readChanges({ after: query.after, limit: query.limit });
  }
}

/** Removes live events and keys too. */
export class PurgesLiveStore extends ReferenceStore {
  override async purgeExpired(): Promise<number> {
    const removed = this.feed.length + this.keys.size;
    this.feed = [];
    this.keys.clear();
    return removed;
  }
}

// ——— reads ———

/** Lists every cancelled record as holding its periods, also one cancelled before its start. */
export class HoldingListsAllStore extends ReferenceStore {
  protected override listedStatus(record: AppointmentRecord, status: "booked" | "holding" | "all"): boolean {
    return super.listedStatus(record, status === "holding" ? "all" : status);
  }
}

/** Lists cancelled records by default. */
export class ListIgnoresStatusStore extends ReferenceStore {
  protected override listedStatus(): boolean {
    return true;
  }
}

/** Lists in reverse order. */
export class UnsortedListStore extends ReferenceStore {
  override async listAppointments(userId: string, query: RecordQuery): Promise<AppointmentRecord[]> {
    return (await super.listAppointments(userId, query)).reverse();
  }
}

/** Orders equal starts by a locale's collation (as a database column with a locale collation does). */
export class LocaleOrderStore extends ReferenceStore {
  override async listAppointments(userId: string, query: RecordQuery): Promise<AppointmentRecord[]> {
    const records = await super.listAppointments(userId, query);
    return records.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id, "en"));
  }
}

/** Lists records that only touch the range: `startMs <= toMs` and `endMs >= fromMs`. */
export class InclusiveRangeStore extends ReferenceStore {
  protected override inRange(record: AppointmentRecord, fromMs: number | undefined, toMs: number | undefined) {
    return (fromMs === undefined || record.endMs >= fromMs) && (toMs === undefined || record.startMs <= toMs);
  }
}

/** Pages lists by start only: records sharing the last start of a page are skipped. */
export class ListAfterByStartStore extends ReferenceStore {
  protected override isAfter(record: AppointmentRecord, after: { startMs: number; id: string }): boolean {
    return record.startMs > after.startMs;
  }
}

/** Finds a record by id whoever owns it. */
export class LeakyGetStore extends ReferenceStore {
  override async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return (await super.getAppointment(userId, id)) ?? [...this.records.values()].find((r) => r.id === id) ?? null;
  }
}

// ——— resources ———

/** Counts a resource's occupants at the claim's first instant only: a span full later on is let through. */
export class ResourceStartInstantStore extends ReferenceStore {
  protected override resourceInstants(claimed: { fromMs: number; toMs: number }): number[] {
    return [claimed.fromMs];
  }
}

/** Forgets buffers: compares the appointments' own times instead of their resource spans. */
export class ResourceIgnoresBuffersStore extends ReferenceStore {
  protected override claimedSpan(_claim: ResourceClaim, times: AppointmentTimes): { fromMs: number; toMs: number } {
    return { fromMs: times.startMs, toMs: times.endMs };
  }
  protected override occupiedSpan(record: AppointmentRecord): { fromMs: number; toMs: number } {
    return { fromMs: record.startMs, toMs: record.endMs };
  }
}

/**
 * Checks a resource's capacity, then inserts after an `await` (a read of the resource's records, then a write,
 * without a lock across users): two users claiming one resource at once both pass the check. Writes without
 * a resource stay atomic, so that only the resource's races can show it.
 */
export class ResourceCheckThenInsertStore extends ReferenceStore {
  override async write(request: WriteRequest): Promise<WriteResult> {
    const { change } = request;
    if (!("resource" in change) || !change.resource) return super.write(request);
    const answered = this.keyAnswer(request);
    if (answered) return structuredClone(answered);
    const decision = this.decide(request);
    await tick();
    this.commit(request, decision);
    return structuredClone(decision.result);
  }
}

// ——— holds and choices ———

/** Counts a held record until it is confirmed or released, whatever its expiry: a clean-up job's store. */
export class CountsExpiredHoldsStore extends ReferenceStore {
  protected override occupies(record: AppointmentRecord): boolean {
    return record.status === "booked" || record.status === "held";
  }
}

/** Confirms a hold after it expired. */
export class ConfirmsExpiredHoldStore extends ReferenceStore {
  protected override holdExpired(): boolean {
    return false;
  }
}

/** Tries a choice's claims from the last: takes a free resource, but not the first free one. */
export class ChoiceFromTheEndStore extends ReferenceStore {
  protected override claimOrder(claims: readonly ResourceClaim[]): readonly ResourceClaim[] {
    return [...claims].reverse();
  }
}

/** Reads a listing's candidatesStartFrom as if it were its range's start: drops spans that began before it. */
export class HintAsRangeStore extends ReferenceStore {
  override async listResourceAppointments(
    resourceId: string,
    query: ResourceRecordQuery,
  ): Promise<AppointmentRecord[]> {
    const listed = await super.listResourceAppointments(resourceId, query);
    const from = query.fromMs;
    return query.candidatesStartFrom === undefined || from === undefined
      ? listed
      : listed.filter((record) => (record.resource as NonNullable<AppointmentRecord["resource"]>).fromMs >= from);
  }
}
