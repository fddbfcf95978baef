/**
 * One user's records in {@link MemoryStore}: sorted for listing, found by id and by period.
 *
 * @module
 */
import type { AppointmentRecord } from "./appointment-store.js";

/**
 * Records a bucket holds before it indexes them in maps. Most users hold a few appointments, and two maps
 * per user cost more heap than the records they index; below this, a scan of the sorted array is as fast.
 */
const SCAN_LIMIT = 16;
const NONE: readonly AppointmentRecord[] = Object.freeze([]);

/** A user's records. Work on it never depends on other users' records. */
export class UserBucket {
  /** Sorted by `startMs`, then `id`: `listAppointments` slices it. */
  readonly sorted: AppointmentRecord[] = [];
  #byId: Map<string, AppointmentRecord> | undefined;
  /** Period key → the records holding it, so that a limit check costs O(periods × limit). */
  #holders: Map<string, AppointmentRecord[]> | undefined;

  get size(): number {
    return this.sorted.length;
  }

  byId(id: string): AppointmentRecord | undefined {
    if (this.#byId) return this.#byId.get(id);
    return this.sorted.find((record) => record.id === id);
  }

  /** The records that hold `period`, each once. */
  holders(period: string): readonly AppointmentRecord[] {
    if (this.#holders) return this.#holders.get(period) ?? NONE;
    return this.sorted.filter((record) => record.periods.includes(period));
  }

  add(record: AppointmentRecord): void {
    this.sorted.splice(
      lowerBound(this.sorted, (held) => compareRecords(held, record) < 0),
      0,
      record,
    );
    if (this.#byId && this.#holders) index(record, this.#byId, this.#holders);
    else if (this.sorted.length > SCAN_LIMIT) {
      const byId = new Map<string, AppointmentRecord>();
      const holders = new Map<string, AppointmentRecord[]>();
      for (const held of this.sorted) index(held, byId, holders);
      this.#byId = byId;
      this.#holders = holders;
    }
  }

  remove(record: AppointmentRecord): void {
    this.sorted.splice(this.sorted.indexOf(record), 1);
    if (!this.#byId || !this.#holders) return;
    this.#byId.delete(record.id);
    for (const period of distinct(record.periods)) {
      const remaining = (this.#holders.get(period) ?? []).filter((held) => held !== record);
      if (remaining.length > 0) this.#holders.set(period, remaining);
      else this.#holders.delete(period);
    }
  }
}

function index(
  record: AppointmentRecord,
  byId: Map<string, AppointmentRecord>,
  holders: Map<string, AppointmentRecord[]>,
): void {
  byId.set(record.id, record);
  for (const period of distinct(record.periods)) {
    const holding = holders.get(period);
    if (holding) holding.push(record);
    else holders.set(period, [record]);
  }
}

/** Start order, then id order: the order of lists, and of "the earliest" conflicting record. */
export function compareRecords(a: AppointmentRecord, b: AppointmentRecord): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
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

/**
 * A record holds each of its periods once, even one its list names twice. Lists are one or two keys long
 * and almost never repeat one: the list itself is returned then, without building a `Set` per write.
 */
function distinct(periods: readonly string[]): readonly string[] {
  return periods.every((period, i) => periods.indexOf(period) === i) ? periods : [...new Set(periods)];
}
