/**
 * The store contract: the one plug-in point of the library. A store persists appointment records and makes
 * each write atomic per user; it knows nothing of booking rules. The scheduler decides what a booking
 * occupies and how many may share it, then asks the store for a single conditional write that either
 * commits or reports the conflict. No read-then-write happens in the scheduler, so nothing can slip between
 * a check and an insert, also when several processes share the store.
 *
 * `appointment-scheduler/testing` (see `docs/writing-a-store.md`) runs this contract against any store.
 *
 * @module
 */

/**
 * An appointment as a store keeps it. Times are instants as milliseconds since the Unix epoch (UTC); the
 * scheduler turns them into zoned times for the user. The store must return records exactly as given.
 */
export interface AppointmentRecord {
  /** Stable, unique id chosen by the scheduler. */
  readonly id: string;
  /** The user's id in canonical string form (a numeric id `42` is stored as `"42"`). */
  readonly userId: string;
  /** Start instant, epoch milliseconds, inclusive. */
  readonly startMs: number;
  /** End instant, epoch milliseconds, exclusive. */
  readonly endMs: number;
  /**
   * The limit periods this appointment holds, as opaque keys (`"day:2021-04-22"`, `"week:2021-04-19"`, …),
   * computed by the scheduler in the user's time zone when it was booked. Stores only compare them.
   */
  readonly periods: readonly string[];
}

/** One conditional write: insert `record` unless a period it holds is already full. */
export interface InsertAppointmentRequest {
  /** The record to insert. Its `id` is new. */
  readonly record: AppointmentRecord;
  /**
   * The capacity of each period: the insert commits only if, for every key in `record.periods`, fewer than
   * `limit` active records of the same user (not counting the one named by `replaces`) hold that key.
   */
  readonly limit: number;
  /**
   * Id of an active record of the same user to delete in the same atomic write (a reschedule). If it does
   * not exist (never did, cancelled or moved already), nothing is written and the result is
   * `replaced-not-found`. The replaced record does not count against `limit`.
   */
  readonly replaces?: string | undefined;
  /**
   * Where the records that can hold `record.periods` start: every active record of the user that holds one
   * of those keys has `fromMs <= startMs < toMs`. A store may look for holders only there, through an index
   * on start times (as `PostgresStore` does), or ignore it; absent means no bound. The scheduler derives it
   * from the period keys alone, so it holds whatever zone or policy booked the other records.
   */
  readonly holdersStartWithin?: HoldersWindow | undefined;
}

/** A half-open instant range `[fromMs, toMs)` in epoch milliseconds: see {@link InsertAppointmentRequest}. */
export interface HoldersWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The outcome of {@link AppointmentStore.insertAppointment}. */
export type InsertAppointmentResult =
  | {
      readonly status: "inserted";
      readonly record: AppointmentRecord;
      /** The record deleted in the same write, when the request had `replaces`. */
      readonly replaced?: AppointmentRecord;
    }
  | {
      readonly status: "limit-reached";
      /** The earliest-starting record that holds a full period (for the error the caller sees). */
      readonly conflicting: AppointmentRecord;
    }
  | { readonly status: "replaced-not-found" };

/** Options every store operation takes. */
export interface StoreOperationOptions {
  /**
   * The caller's deadline. A store may give up when it fires, but a write may only be abandoned while the
   * store can guarantee that it did not commit: a timeout must never report failure for a committed write.
   */
  readonly signal?: AbortSignal | undefined;
}

/** A half-open instant range `[fromMs, toMs)`; either end may be left open. */
export interface RecordRange {
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
}

/**
 * Where appointments live. Implement it to keep appointments in your own database; run
 * `appointment-scheduler/testing` against your implementation to prove it.
 *
 * Contract:
 * - **Atomic per user.** {@link insertAppointment} checks the limit and writes in one indivisible step. Two
 *   concurrent inserts for the same user and period can never both pass the check, whatever the number of
 *   processes or connections sharing the store. Operations on different users may run in parallel.
 * - **Durable when it says so.** A promise that resolves means the write has committed; one that rejects
 *   means it has not (or, for a lost connection mid-commit, throw and let the caller retry idempotently).
 * - **No rules.** A store compares period keys and counts; it never parses times or knows the policy.
 * - **Not found is not an error.** Lookups return `null` or `[]`.
 * - Failures of the store itself are thrown as any error; the scheduler reports them as
 *   `StoreUnavailableError` (or passes a `SchedulerError` the store threw through unchanged).
 */
export interface AppointmentStore {
  /** Atomically inserts `request.record` (and deletes `request.replaces`) unless a period is full. */
  insertAppointment(
    request: InsertAppointmentRequest,
    options?: StoreOperationOptions,
  ): Promise<InsertAppointmentResult>;

  /**
   * The user's records that overlap `range` (`startMs < toMs` and `endMs > fromMs`), sorted by `startMs`,
   * then by `id`.
   */
  listAppointments(userId: string, range: RecordRange, options?: StoreOperationOptions): Promise<AppointmentRecord[]>;

  /** The user's record with this id, or `null`. A record of another user is never returned. */
  getAppointment(userId: string, id: string, options?: StoreOperationOptions): Promise<AppointmentRecord | null>;

  /** Deletes the user's record with this id and returns it, or returns `null` if there was none. */
  deleteAppointment(userId: string, id: string, options?: StoreOperationOptions): Promise<AppointmentRecord | null>;
}
