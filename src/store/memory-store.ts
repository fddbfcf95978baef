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
import { compareRecords, lowerBound, UserBucket } from "./user-bucket.js";

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
    const replaced = request.replaces === undefined ? undefined : existing?.byId(request.replaces);
    if (request.replaces !== undefined && replaced === undefined) return { status: "replaced-not-found" };

    // The earliest holder of any full period: the one the caller is told about.
    let conflicting: AppointmentRecord | undefined;
    for (const period of existing ? record.periods : []) {
      const holding = existing?.holders(period);
      if (!holding || holding.length - (replaced && holding.includes(replaced) ? 1 : 0) < request.limit) continue;
      for (const held of holding) {
        if (held !== replaced && (!conflicting || compareRecords(held, conflicting) < 0)) conflicting = held;
      }
    }
    if (conflicting) return { status: "limit-reached", conflicting };

    const bucket = existing ?? this.#newBucket(record.userId);
    if (replaced) bucket.remove(replaced);
    bucket.add(record);
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
    return this.#users.get(userId)?.byId(id) ?? null;
  }

  async deleteAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    const bucket = this.#users.get(userId);
    const record = bucket?.byId(id);
    if (!bucket || !record) return null;
    bucket.remove(record);
    if (bucket.size === 0) this.#users.delete(userId);
    return record;
  }

  #newBucket(userId: string): UserBucket {
    const bucket = new UserBucket();
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
