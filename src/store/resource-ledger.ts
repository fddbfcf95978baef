/**
 * The records that occupy each resource in {@link MemoryStore}, across users: sorted by span start for the
 * capacity check of a write and for `listResourceAppointments`, so that neither scans other resources or
 * every user's records.
 *
 * @module
 */
import type { AppointmentRecord, ResourceRecordQuery } from "./appointment-store.js";
import { compareResourceRecords } from "./resource-capacity.js";
import { lowerBound } from "./user-ledger.js";

/** One resource's occupying records. */
interface ResourceIndex {
  /** Booked and held records with this resource, sorted by span start, then user id, then id. */
  readonly sorted: AppointmentRecord[];
  /**
   * The longest span ever indexed here, milliseconds. A span that ends after `t` starts after `t - longestMs`,
   * so a search for the spans overlapping a range starts there instead of at the first record. It never
   * shrinks when a record leaves: a bound that is too wide is still a bound.
   */
  longestMs: number;
}

/**
 * Every resource's booked and held records (held ones whatever their expiry: a check judges them at its
 * instant, and the store removes them once expired). A cancelled or released record no longer occupies its
 * resource, so the change takes it out and no lookup has to pass over it.
 */
export class ResourceLedger {
  readonly #resources = new Map<string, ResourceIndex>();

  /**
   * The booked and held records of `resourceId` whose span overlaps the query's range (`resource.toMs > fromMs`,
   * `resource.fromMs < toMs`, each when given), in the contract's order, at most `limit`. A fresh array.
   */
  list(resourceId: string, query: ResourceRecordQuery): AppointmentRecord[] {
    const index = this.#resources.get(resourceId);
    if (!index) return [];
    const { sorted, longestMs } = index;
    const { fromMs, toMs, limit } = query;
    // Spans that start at or before `fromMs - longestMs` end at or before `fromMs`: a prefix to skip.
    let i = fromMs === undefined ? 0 : lowerBound(sorted, (r) => indexedSpan(r).fromMs <= fromMs - longestMs);
    const found: AppointmentRecord[] = [];
    for (; i < sorted.length && (limit === undefined || found.length < limit); i++) {
      const record = sorted[i] as AppointmentRecord;
      const span = indexedSpan(record);
      // Everything starting at or past `toMs` is a suffix: stop there.
      if (toMs !== undefined && span.fromMs >= toMs) break;
      if (fromMs !== undefined && span.toMs <= fromMs) continue;
      found.push(record);
    }
    return found;
  }

  /** Indexes `record` if it can occupy a resource (booked or held, with a span); others are ignored. */
  add(record: AppointmentRecord): void {
    const span = record.resource;
    if (span === null || (record.status !== "booked" && record.status !== "held")) return;
    let index = this.#resources.get(span.resourceId);
    if (!index) {
      index = { sorted: [], longestMs: 0 };
      this.#resources.set(span.resourceId, index);
    }
    index.sorted.splice(
      lowerBound(index.sorted, (held) => compareResourceRecords(held, record) < 0),
      0,
      record,
    );
    index.longestMs = Math.max(index.longestMs, span.toMs - span.fromMs);
  }

  /** Takes `record` out of its resource's index, if it is there (the very object the ledger was given). */
  remove(record: AppointmentRecord): void {
    const span = record.resource;
    if (span === null) return;
    const index = this.#resources.get(span.resourceId);
    if (!index) return;
    const { sorted } = index;
    // A user's ids are unique, so (span start, user id, id) finds the one place the record can be.
    const at = lowerBound(sorted, (held) => compareResourceRecords(held, record) < 0);
    if (sorted[at] !== record) return;
    sorted.splice(at, 1);
    // Forget resources that nothing occupies any more, so that ids named once do not stay in memory.
    if (sorted.length === 0) this.#resources.delete(span.resourceId);
  }

  /**
   * Puts `next` (the same appointment, changed: moved, perhaps to another resource or none, or cancelled) in
   * the place of `previous`.
   */
  replace(previous: AppointmentRecord, next: AppointmentRecord): void {
    this.remove(previous);
    this.add(next);
  }
}

/** The span of an indexed record, which always has one. */
function indexedSpan(record: AppointmentRecord): NonNullable<AppointmentRecord["resource"]> {
  return record.resource as NonNullable<AppointmentRecord["resource"]>;
}
