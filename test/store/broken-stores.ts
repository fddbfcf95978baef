/**
 * Stores that each break one rule of the contract, built on MemoryStore: the kit must catch every one.
 * Each differs from MemoryStore in that one rule only, so a case that rejects it has caught that rule.
 */
import {
  type AppointmentRecord,
  type AppointmentStore,
  type InsertAppointmentRequest,
  type InsertAppointmentResult,
  MemoryStore,
  type RecordRange,
} from "appointment-scheduler";

/** Delegates everything to a MemoryStore; subclasses override the method they break. */
class DelegatingStore implements AppointmentStore {
  protected readonly inner = new MemoryStore();
  insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment(request);
  }
  listAppointments(userId: string, range: RecordRange): Promise<AppointmentRecord[]> {
    return this.inner.listAppointments(userId, range);
  }
  getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.inner.getAppointment(userId, id);
  }
  deleteAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.inner.deleteAppointment(userId, id);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * The checks of the contract (`replaces` first, then the limit) on records read beforehand, for the stores
 * that read, then write: right when alone, wrong when another write comes in between.
 */
async function refusalOf(
  store: AppointmentStore,
  request: InsertAppointmentRequest,
): Promise<InsertAppointmentResult | undefined> {
  const held = await store.listAppointments(request.record.userId, {});
  if (request.replaces !== undefined && !held.some((r) => r.id === request.replaces)) {
    return { status: "replaced-not-found" };
  }
  const others = held.filter((r) => r.id !== request.replaces);
  const full = request.record.periods.filter(
    (p) => others.filter((r) => r.periods.includes(p)).length >= request.limit,
  );
  const conflicting = others.find((r) => r.periods.some((p) => full.includes(p)));
  return conflicting && { status: "limit-reached", conflicting };
}

/** Checks, then yields to the event loop, then writes: the classic race. */
export class CheckThenInsertStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const refusal = await refusalOf(this.inner, request);
    if (refusal) return refusal;
    await tick();
    return this.inner.insertAppointment({ ...request, limit: Number.MAX_SAFE_INTEGER });
  }
}

/** Never refuses: ignores `limit`. */
export class NoLimitStore extends DelegatingStore {
  override insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment({ ...request, limit: Number.MAX_SAFE_INTEGER });
  }
}

/** Treats every limit as 1: right for the seed's rule, wrong for `limit > 1`. */
export class LimitOneStore extends DelegatingStore {
  override insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment({ ...request, limit: 1 });
  }
}

/** Ignores `replaces`: a move keeps the old record too. */
export class IgnoresReplacesStore extends DelegatingStore {
  override insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment({ record: request.record, limit: request.limit });
  }
}

/** Counts the record being replaced against the limit: a move within a full period is refused. */
export class CountsReplacedStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    if (request.replaces === undefined) return this.inner.insertAppointment(request);
    const replaced = await this.inner.getAppointment(request.record.userId, request.replaces);
    if (!replaced) return { status: "replaced-not-found" };
    const result = await this.inner.insertAppointment({ record: request.record, limit: request.limit });
    if (result.status !== "inserted") return result;
    await this.inner.deleteAppointment(request.record.userId, request.replaces);
    return { ...result, replaced };
  }
}

/** Lets `replaces` name another user's record, and moves it. */
export class ForeignReplacesStore extends DelegatingStore {
  readonly #owners = new Map<string, string>();
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    this.#owners.set(request.record.id, request.record.userId);
    const owner = request.replaces === undefined ? undefined : this.#owners.get(request.replaces);
    if (owner === undefined || owner === request.record.userId || request.replaces === undefined) {
      return this.inner.insertAppointment(request);
    }
    const replaced = await this.inner.getAppointment(owner, request.replaces);
    if (!replaced) return { status: "replaced-not-found" };
    const result = await this.inner.insertAppointment({ record: request.record, limit: request.limit });
    if (result.status !== "inserted") return result;
    await this.inner.deleteAppointment(owner, request.replaces);
    return { ...result, replaced };
  }
}

/** Names the earliest holder of the first full period in the request's order, not of all full periods. */
export class FirstFullPeriodConflictStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const result = await this.inner.insertAppointment(request);
    if (result.status !== "limit-reached") return result;
    const held = await this.inner.listAppointments(request.record.userId, {});
    const others = held.filter((r) => r.id !== request.replaces);
    for (const period of request.record.periods) {
      const holders = others.filter((r) => r.periods.includes(period));
      if (holders.length >= request.limit && holders[0]) return { status: "limit-reached", conflicting: holders[0] };
    }
    return result;
  }
}

/** Lists in reverse insertion order instead of by start. */
export class UnsortedListStore extends DelegatingStore {
  readonly #order: string[] = [];
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const result = await this.inner.insertAppointment(request);
    if (result.status === "inserted") this.#order.push(result.record.id);
    return result;
  }
  override async listAppointments(userId: string, range: RecordRange): Promise<AppointmentRecord[]> {
    const records = await this.inner.listAppointments(userId, range);
    return records.sort((a, b) => this.#order.indexOf(b.id) - this.#order.indexOf(a.id));
  }
}

/** Orders equal starts by a locale's collation (as a database column with a locale collation does). */
export class LocaleOrderStore extends DelegatingStore {
  override async listAppointments(userId: string, range: RecordRange): Promise<AppointmentRecord[]> {
    const records = await this.inner.listAppointments(userId, range);
    return records.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id, "en"));
  }
}

/** Lists records that only touch the range: `startMs <= toMs` and `endMs >= fromMs`. */
export class InclusiveRangeStore extends DelegatingStore {
  override listAppointments(userId: string, range: RecordRange): Promise<AppointmentRecord[]> {
    return this.inner.listAppointments(userId, {
      fromMs: range.fromMs === undefined ? undefined : range.fromMs - 1,
      toMs: range.toMs === undefined ? undefined : range.toMs + 1,
    });
  }
}

/** Finds a record by id whoever owns it. */
export class LeakyGetStore extends DelegatingStore {
  readonly #owners = new Map<string, string>();
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    this.#owners.set(request.record.id, request.record.userId);
    return this.inner.insertAppointment(request);
  }
  override getAppointment(_userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.inner.getAppointment(this.#owners.get(id) ?? "", id);
  }
}

/** Keeps and returns the caller's own record objects: the caller changing one changes the store. */
export class SharedReferenceStore extends DelegatingStore {
  readonly #given = new Map<string, AppointmentRecord>();
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const result = await this.inner.insertAppointment(request);
    if (result.status === "inserted") this.#given.set(request.record.id, request.record);
    return result;
  }
  override async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    const record = await this.inner.getAppointment(userId, id);
    return record && (this.#given.get(id) ?? record);
  }
}

/** Deletes on a move before it has checked the limit, and does not put the record back when refused. */
export class LosesRecordOnRefusedMoveStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    if (request.replaces === undefined) return this.inner.insertAppointment(request);
    const removed = await this.inner.deleteAppointment(request.record.userId, request.replaces);
    if (!removed) return { status: "replaced-not-found" };
    const result = await this.inner.insertAppointment({ record: request.record, limit: request.limit });
    return result.status === "inserted" ? { ...result, replaced: removed } : result;
  }
}

/** Lets a cancel and a move of the same record both succeed: the move checks, yields, deletes, then inserts. */
export class RacyMoveStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    if (request.replaces === undefined) return this.inner.insertAppointment(request);
    const refusal = await refusalOf(this.inner, request);
    if (refusal) return refusal;
    await tick();
    const replaced = await this.inner.deleteAppointment(request.record.userId, request.replaces);
    const result = await this.inner.insertAppointment({ record: request.record, limit: Number.MAX_SAFE_INTEGER });
    return result.status === "inserted" && replaced ? { ...result, replaced } : result;
  }
}

/**
 * Looks for holders only strictly after the start of `holdersStartWithin`: misses a holder starting on the
 * window's first millisecond, which the contract puts inside it.
 */
export class ExclusiveWindowStartStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const window = request.holdersStartWithin;
    if (!window) return this.inner.insertAppointment(request);
    const inWindow = (await this.inner.listAppointments(request.record.userId, {})).filter(
      (r) => r.startMs > window.fromMs && r.startMs < window.toMs,
    );
    const refusal = await refusalOf({ listAppointments: async () => inWindow } as unknown as AppointmentStore, request);
    return refusal ?? this.inner.insertAppointment({ ...request, limit: Number.MAX_SAFE_INTEGER });
  }
}
