/**
 * The embedded default store: appointments in this process's memory, lost when it exits.
 *
 * Atomicity comes from JavaScript itself: each operation runs to completion without an `await` between its
 * check and its write, so no other operation can interleave. That holds within one process only; share a
 * database store (`appointment-scheduler/postgres`) between processes.
 *
 * @module
 */
import type {
  AppointmentRecord,
  AppointmentStore,
  InsertAppointmentRequest,
  InsertAppointmentResult,
  RecordRange,
} from "./appointment-store.js";

/** One user's records, indexed the two ways the operations need. Work never depends on other users. */
interface UserBucket {
  /** Sorted by `startMs`, then `id`: `listAppointments` slices it. */
  readonly sorted: AppointmentRecord[];
  readonly byId: Map<string, AppointmentRecord>;
  /** Period key → the records holding it, so a limit check costs O(periods × limit). */
  readonly holders: Map<string, AppointmentRecord[]>;
}

/**
 * An {@link AppointmentStore} in memory. The default of `createScheduler()`.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const scheduler = createScheduler({ store });
 * ```
 */
export class MemoryStore implements AppointmentStore {
  readonly #users = new Map<string, UserBucket>();

  async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const record = freezeRecord(request.record);
    const existing = this.#users.get(record.userId);
    const replaced = request.replaces === undefined ? undefined : existing?.byId.get(request.replaces);
    if (request.replaces !== undefined && replaced === undefined) return { status: "replaced-not-found" };

    // The earliest holder of any full period: the one the caller is told about.
    let conflicting: AppointmentRecord | undefined;
    for (const period of existing ? record.periods : []) {
      const holding = existing?.holders.get(period);
      if (!holding || holding.length - (replaced && holding.includes(replaced) ? 1 : 0) < request.limit) continue;
      for (const held of holding) {
        if (held !== replaced && (!conflicting || compareRecords(held, conflicting) < 0)) conflicting = held;
      }
    }
    if (conflicting) return { status: "limit-reached", conflicting };

    const bucket = existing ?? this.#newBucket(record.userId);
    if (replaced) removeFromBucket(bucket, replaced);
    addToBucket(bucket, record);
    return replaced ? { status: "inserted", record, replaced } : { status: "inserted", record };
  }

  async listAppointments(userId: string, range: RecordRange): Promise<AppointmentRecord[]> {
    const sorted = this.#users.get(userId)?.sorted ?? [];
    const fromMs = range.fromMs ?? Number.NEGATIVE_INFINITY;
    const toMs = range.toMs ?? Number.POSITIVE_INFINITY;
    // Records are sorted by start, so everything at or past `toMs` is a suffix we can cut off.
    const end = lowerBound(sorted, (r) => r.startMs < toMs);
    return sorted.slice(0, end).filter((r) => r.endMs > fromMs);
  }

  async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.#users.get(userId)?.byId.get(id) ?? null;
  }

  async deleteAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    const bucket = this.#users.get(userId);
    const record = bucket?.byId.get(id);
    if (!bucket || !record) return null;
    removeFromBucket(bucket, record);
    if (bucket.byId.size === 0) this.#users.delete(userId);
    return record;
  }

  #newBucket(userId: string): UserBucket {
    const bucket: UserBucket = { sorted: [], byId: new Map(), holders: new Map() };
    this.#users.set(userId, bucket);
    return bucket;
  }
}

function freezeRecord(record: AppointmentRecord): AppointmentRecord {
  // A copy, so that a caller mutating its request object cannot change what is stored.
  return Object.freeze({
    id: record.id,
    userId: record.userId,
    startMs: record.startMs,
    endMs: record.endMs,
    periods: Object.freeze([...record.periods]),
  });
}

function compareRecords(a: AppointmentRecord, b: AppointmentRecord): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Index of the first element for which `isBefore` is false, in an array partitioned by it. */
function lowerBound<T>(items: readonly T[], isBefore: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isBefore(items[mid] as T)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function addToBucket(bucket: UserBucket, record: AppointmentRecord): void {
  bucket.byId.set(record.id, record);
  bucket.sorted.splice(
    lowerBound(bucket.sorted, (r) => compareRecords(r, record) < 0),
    0,
    record,
  );
  for (const period of distinct(record.periods)) {
    const holding = bucket.holders.get(period);
    if (holding) holding.push(record);
    else bucket.holders.set(period, [record]);
  }
}

function removeFromBucket(bucket: UserBucket, record: AppointmentRecord): void {
  bucket.byId.delete(record.id);
  bucket.sorted.splice(bucket.sorted.indexOf(record), 1);
  for (const period of distinct(record.periods)) {
    const remaining = (bucket.holders.get(period) ?? []).filter((held) => held !== record);
    if (remaining.length > 0) bucket.holders.set(period, remaining);
    else bucket.holders.delete(period);
  }
}

/**
 * A record holds each of its periods once, even one its list names twice. Lists are one or two keys long
 * and almost never repeat one: the list itself is returned then, without building a `Set` per write.
 */
function distinct(periods: readonly string[]): readonly string[] {
  return periods.every((period, i) => periods.indexOf(period) === i) ? periods : [...new Set(periods)];
}
