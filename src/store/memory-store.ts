/**
 * The embedded default store: appointments, idempotency keys and the change feed in this process's memory,
 * lost when it exits.
 *
 * Atomicity comes from JavaScript itself: each write runs to completion without an `await` between its
 * checks and its changes, so no other operation can interleave, not even another user's write that claims the
 * same resource. That holds within one process only; share a database store (`appointment-scheduler/postgres`)
 * between processes.
 *
 * @module
 */

import { applyChange } from "./apply-change.js";
import type {
  AppointmentRecord,
  AppointmentStore,
  ChangeQuery,
  ChangeRecord,
  RecordQuery,
  ResourceRecordQuery,
  WriteRequest,
  WriteResult,
} from "./appointment-store.js";
import { ChangeFeed } from "./change-feed.js";
import { ExpiryQueue } from "./expiry-queue.js";
import { ResourceLedger } from "./resource-ledger.js";
import { UserLedger } from "./user-ledger.js";

/** What a user's idempotency key remembers: the request's fingerprint and its first outcome. */
interface KeptOutcome {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  readonly result: WriteResult;
}

/**
 * An {@link AppointmentStore} in memory. The default of `createScheduler()`.
 *
 * Expired idempotency keys and events are removed as writes come in, oldest first, so no write scans live
 * ones; {@link purgeExpired} does the same on demand, and removes expired holds (oldest first too: they are
 * kept by expiry, and no live one is looked at).
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const scheduler = createScheduler({ store });
 * ```
 */
export class MemoryStore implements AppointmentStore {
  readonly #users = new Map<string, UserLedger>();
  /** The same records by resource, across users: what a resource claim and its listing look at. */
  readonly #resources = new ResourceLedger();
  readonly #keys = new Map<string, Map<string, KeptOutcome>>();
  readonly #keyExpiry = new ExpiryQueue<{ userId: string; key: string }>();
  /** Holds by expiry: an expired one counts toward nothing already, and {@link purgeExpired} removes it. */
  readonly #holdExpiry = new ExpiryQueue<AppointmentRecord>();
  readonly #feed = new ChangeFeed();

  async write(request: WriteRequest): Promise<WriteResult> {
    const { userId, idempotency, atMs } = request;
    this.#expire(atMs);
    const userKeys = idempotency ? this.#keys.get(userId) : undefined;
    const kept = idempotency ? userKeys?.get(idempotency.key) : undefined;
    if (idempotency && kept && kept.expiresAtMs > atMs) {
      if (kept.fingerprint !== idempotency.fingerprint) return { status: "key-reused" };
      return { ...kept.result, replayed: true } as WriteResult;
    }

    const existing = this.#users.get(userId);
    const ledger = existing ?? new UserLedger();
    const result = applyChange(ledger, this.#resources, request, this.#feed);
    if (!existing && ledger.size > 0) this.#users.set(userId, ledger);
    if (result.status === "written" && result.record.status === "held") {
      this.#holdExpiry.push(result.record.holdExpiresAtMs as number, result.record);
    }
    if (idempotency) {
      const keys = userKeys ?? new Map<string, KeptOutcome>();
      keys.set(idempotency.key, {
        fingerprint: idempotency.fingerprint,
        expiresAtMs: idempotency.expiresAtMs,
        result,
      });
      this.#keys.set(userId, keys);
      this.#keyExpiry.push(idempotency.expiresAtMs, { userId, key: idempotency.key });
    }
    return result;
  }

  async listAppointments(userId: string, query: RecordQuery): Promise<AppointmentRecord[]> {
    return this.#users.get(userId)?.list(query) ?? [];
  }

  async listResourceAppointments(resourceId: string, query: ResourceRecordQuery): Promise<AppointmentRecord[]> {
    return this.#resources.list(resourceId, query);
  }

  async getAppointment(userId: string, id: string): Promise<AppointmentRecord | null> {
    return this.#users.get(userId)?.byId(id) ?? null;
  }

  async readChanges(query: ChangeQuery): Promise<ChangeRecord[]> {
    return this.#feed.read(query);
  }

  async purgeExpired(nowMs: number): Promise<number> {
    let removed = this.#expire(nowMs);
    for (const hold of this.#holdExpiry.popExpired(nowMs)) {
      // Only the very record that was held: a confirmed or released hold is another object by now.
      const ledger = this.#users.get(hold.userId);
      if (ledger?.byId(hold.id) !== hold) continue;
      ledger.remove(hold);
      this.#resources.remove(hold);
      if (ledger.size === 0) this.#users.delete(hold.userId);
      removed++;
    }
    return removed;
  }

  /** Forgets the keys and events that expired at or before `nowMs`, oldest first; returns how many. */
  #expire(nowMs: number): number {
    let removed = this.#feed.expire(nowMs);
    for (const { userId, key } of this.#keyExpiry.popExpired(nowMs)) {
      const keys = this.#keys.get(userId);
      const kept = keys?.get(key);
      // A key used again after it expired has a later expiry of its own: keep that one.
      if (!keys || !kept || kept.expiresAtMs > nowMs) continue;
      keys.delete(key);
      if (keys.size === 0) this.#keys.delete(userId);
      removed++;
    }
    return removed;
  }
}
