/**
 * Stores that each break one rule of the contract, built on MemoryStore: the kit must catch every one.
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

/** Checks, then yields to the event loop, then writes: the classic race. */
export class CheckThenInsertStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    const held = await this.inner.listAppointments(request.record.userId, {});
    const others = held.filter((r) => r.id !== request.replaces);
    for (const period of request.record.periods) {
      const holders = others.filter((r) => r.periods.includes(period));
      if (holders.length >= request.limit && holders[0]) return { status: "limit-reached", conflicting: holders[0] };
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.inner.insertAppointment({ ...request, limit: Number.MAX_SAFE_INTEGER });
  }
}

/** Never refuses. */
export class NoLimitStore extends DelegatingStore {
  override insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment({ ...request, limit: Number.MAX_SAFE_INTEGER });
  }
}

/** Ignores `replaces`: a move keeps the old record too. */
export class IgnoresReplacesStore extends DelegatingStore {
  override insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    return this.inner.insertAppointment({ record: request.record, limit: request.limit });
  }
}

/** Lists in insertion order instead of by start. */
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

/** Lets a cancel and a move of the same record both succeed: the move checks, yields, then writes. */
export class RacyMoveStore extends DelegatingStore {
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    if (request.replaces === undefined) return this.inner.insertAppointment(request);
    const replaced = await this.inner.getAppointment(request.record.userId, request.replaces);
    if (!replaced) return { status: "replaced-not-found" };
    await new Promise((resolve) => setTimeout(resolve, 1));
    await this.inner.deleteAppointment(request.record.userId, request.replaces);
    const result = await this.inner.insertAppointment({ record: request.record, limit: request.limit });
    return result.status === "inserted" ? { ...result, replaced } : result;
  }
}
