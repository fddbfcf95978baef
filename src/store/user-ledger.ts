/**
 * One user's records in {@link MemoryStore}: sorted by start for lists and occupancy searches, found by id.
 *
 * @module
 */
import { type AppointmentRecord, canHoldPeriods, type MsRange, type RecordQuery } from "./appointment-store.js";

/**
 * Records a ledger holds before it indexes them by id in a map. Most users hold a few appointments, and a map
 * per user costs more heap than the records it indexes; below this, a scan is as fast.
 */
const SCAN_LIMIT = 16;

/** A user's records, whatever their status. Work on it never depends on other users' records. */
export class UserLedger {
  /** Sorted by `startMs`, then `id`. */
  readonly #sorted: AppointmentRecord[] = [];
  #byId: Map<string, AppointmentRecord> | undefined;

  get size(): number {
    return this.#sorted.length;
  }

  byId(id: string): AppointmentRecord | undefined {
    if (this.#byId) return this.#byId.get(id);
    return this.#sorted.find((record) => record.id === id);
  }

  /**
   * The records that can hold periods (see `canHoldPeriods`; the caller judges holds at its instant) whose
   * start lies in `window`, in list order.
   */
  holdingStartingWithin(window: MsRange): AppointmentRecord[] {
    const sorted = this.#sorted;
    const found: AppointmentRecord[] = [];
    for (let i = lowerBound(sorted, (r) => r.startMs < window.fromMs); i < sorted.length; i++) {
      const record = sorted[i] as AppointmentRecord;
      if (record.startMs >= window.toMs) break;
      if (canHoldPeriods(record)) found.push(record);
    }
    return found;
  }

  /** The records matching `query`, in list order (start, then id). */
  list(query: RecordQuery): AppointmentRecord[] {
    const sorted = this.#sorted;
    const { fromMs, toMs, after, limit } = query;
    const status = query.status ?? "booked";
    // Everything at or past `toMs` is a suffix: stop there. `after` is a prefix to skip.
    let i = after ? lowerBound(sorted, (r) => compareToKey(r, after.startMs, after.id) <= 0) : 0;
    const found: AppointmentRecord[] = [];
    for (; i < sorted.length && (limit === undefined || found.length < limit); i++) {
      const record = sorted[i] as AppointmentRecord;
      if (toMs !== undefined && record.startMs >= toMs) break;
      if (fromMs !== undefined && record.endMs <= fromMs) continue;
      if (status === "all" || record.status === "booked" || (status === "holding" && canHoldPeriods(record))) {
        found.push(record);
      }
    }
    return found;
  }

  add(record: AppointmentRecord): void {
    this.#sorted.splice(
      lowerBound(this.#sorted, (held) => compareRecords(held, record) < 0),
      0,
      record,
    );
    if (this.#byId) this.#byId.set(record.id, record);
    else if (this.#sorted.length > SCAN_LIMIT) this.#byId = new Map(this.#sorted.map((held) => [held.id, held]));
  }

  /** Puts `next` (the same id, changed) in the place of `previous`. */
  replace(previous: AppointmentRecord, next: AppointmentRecord): void {
    this.remove(previous);
    this.add(next);
  }

  /** Takes `record` (the very object the ledger holds) out. */
  remove(record: AppointmentRecord): void {
    const at = lowerBound(this.#sorted, (held) => compareRecords(held, record) < 0);
    if (this.#sorted[at] !== record) return;
    this.#sorted.splice(at, 1);
    this.#byId?.delete(record.id);
  }
}

/** Start order, then id order (code units): the order of lists, and of "the earliest" conflicting record. */
export function compareRecords(a: AppointmentRecord, b: AppointmentRecord): number {
  return compareToKey(a, b.startMs, b.id);
}

function compareToKey(a: AppointmentRecord, startMs: number, id: string): number {
  return a.startMs - startMs || (a.id < id ? -1 : a.id > id ? 1 : 0);
}

/** Index of the first element for which `isBefore` is false, in an array partitioned by it. */
export function lowerBound<T>(items: readonly T[], isBefore: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isBefore(items[mid] as T)) low = mid + 1;
    else high = mid;
  }
  return low;
}
