/**
 * The SQLite store: appointments, idempotency keys and the change feed in one SQLite database file, shared
 * by any number of connections and processes on one machine.
 *
 * Writes run in batches (group commit, see `group-commit.ts`): the writes called close together, in the
 * order they were called, in one `BEGIN IMMEDIATE … COMMIT` transaction on the store's connection, run from
 * start to end without a pause (both drivers are synchronous). It takes the database's write lock first;
 * then each write, in a savepoint of its own, checks the key, the appointment, the occupancy and the resource
 * claim and writes the change, its event and the key's outcome, seeing the writes before it (see
 * `apply-write.ts`). No other write, from this process or another, can slip between a check and the write.
 * One `COMMIT`, so one sync of the log to the disk, serves the whole batch, and every write's promise settles
 * after it. With `synchronous: "FULL"` that sync runs off the event loop (see `log-sync.ts`), and the next
 * batch gathers while it does; a lone write's fast sync runs in place.
 *
 * @module
 */
import {
  InvalidArgumentError,
  OperationAbortedError,
  OperationTimedOutError,
  StoreUnavailableError,
} from "../errors/scheduler-errors.js";
import type {
  AppointmentRecord,
  AppointmentStore,
  ChangeQuery,
  ChangeRecord,
  RecordQuery,
  ResourceRecordQuery,
  StoreOperationOptions,
  WriteRequest,
  WriteResult,
} from "../store/appointment-store.js";
import { type RecordRow, recordFromRow } from "../store/record-row.js";
import { compareResourceRecords } from "../store/resource-capacity.js";
import { type Applied, applyWrite } from "./apply-write.js";
import {
  type CheckedRequest,
  checkedChange,
  countArgument,
  listStatus,
  lowerBound,
  msArgument,
  textArgument,
  upperBound,
} from "./checked-arguments.js";
import {
  changesOf,
  connectionOf,
  type SqliteConnection,
  type SqliteDatabase,
  type SqliteDriverName,
} from "./driver-adapter.js";
import { fromDriverError, isNoTransactionError } from "./driver-errors.js";
import { parseFeedPosition } from "./feed-position.js";
import { type BatchOutcome, GroupCommit, type Settlement } from "./group-commit.js";
import { LogSync } from "./log-sync.js";
import { applyMissingSteps } from "./migrations.js";
import {
  applyConnectionSettings,
  type ConnectionSettings,
  connectionSettings,
  type SqliteSynchronous,
} from "./pragmas.js";
import { type EventRow, eventFromRow } from "./record-rows.js";
import {
  prepareStatements,
  prepareTransactionStatements,
  type Statements,
  type TransactionStatements,
} from "./statements.js";
import { type TableNames, tableNames } from "./table-names.js";

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Prefix of every table and index name: 1 to 40 characters of `a-z`, `0-9` and `_`, not `sqlite_…`.
   * Default `"scheduler_"` (tables `scheduler_appointments`, `scheduler_changes`, …).
   */
  readonly tablePrefix?: string;
  /**
   * How a commit reaches the disk: `"FULL"` (default) syncs every commit to the disk before the write
   * resolves (on a file, the store commits at `PRAGMA synchronous = NORMAL` and syncs the log itself, off the
   * event loop: see docs/sqlite.md); `"NORMAL"` syncs at checkpoints only, so that a power loss or an
   * operating system crash (not a crash of the process) may lose the last writes that resolved, though never
   * corrupt the database.
   */
  readonly synchronous?: SqliteSynchronous;
  /**
   * `PRAGMA busy_timeout` of the connection: how long a write waits for the write lock while another
   * connection holds it, in milliseconds, before it fails with `StoreUnavailableError` (nothing written).
   * The wait blocks this thread, as every call of a synchronous driver does. Default 5000.
   */
  readonly busyTimeoutMs?: number;
}

/** A write waiting for its batch: its checked request, and the caller's signal. */
interface QueuedWrite {
  readonly request: CheckedRequest;
  readonly signal: AbortSignal | undefined;
}

/** A write of a batch being run, and its settlement once it has one. */
interface BatchWrite {
  readonly request: CheckedRequest;
  settlement?: Settlement<WriteResult>;
}

/**
 * An {@link AppointmentStore} in SQLite, over better-sqlite3 (`new Database(file)`, an optional peer
 * dependency) or Node.js's own `node:sqlite` (`new DatabaseSync(file)`, Node.js 22.5 or later): pass an open
 * database of either, and the store tells which by its shape. It does not own the database: close it
 * yourself, after the store's last call.
 *
 * The constructor sets the connection's `busy_timeout`, `journal_mode = WAL` (kept in the file) and
 * `synchronous`. Create the tables with {@link SqliteStore.migrate} (idempotent, safe at every start, also
 * from several processes at once).
 *
 * Several processes may share one database file on one machine's local disk, each with its own connection
 * (not a network file system: SQLite's locks are not reliable there). Writes called close together (in one
 * turn of the event loop) share one transaction and one sync of its commit: each answers as it would alone,
 * after those called before it, and resolves once that commit is durable. Deadlines: a synchronous driver
 * cannot be interrupted, so a signal is checked before each operation starts (and before a queued write's
 * batch runs); a write waiting for another connection's lock gives up after `busyTimeoutMs`.
 *
 * @example
 * ```ts
 * import Database from "better-sqlite3";
 * import { createScheduler } from "appointment-scheduler";
 * import { SqliteStore } from "appointment-scheduler/sqlite";
 *
 * const store = new SqliteStore(new Database("appointments.db"));
 * await store.migrate();
 * const scheduler = createScheduler({ store });
 * ```
 */
export class SqliteStore implements AppointmentStore {
  /** The driver of the database the store was given. */
  readonly driver: SqliteDriverName;
  readonly #connection: SqliteConnection;
  readonly #names: TableNames;
  readonly #settings: ConnectionSettings;
  readonly #transaction: TransactionStatements;
  readonly #writes = new GroupCommit<QueuedWrite, WriteResult>((batch) => this.#runBatch(batch));
  /** With `synchronous: "FULL"` on a file: the store syncs the log itself, off the event loop (`log-sync.ts`). */
  readonly #logSync: LogSync | undefined;
  #statements: Statements | undefined;

  constructor(db: SqliteDatabase, options: SqliteStoreOptions = {}) {
    const connection = connectionOf(db);
    this.driver = connection.driver;
    this.#connection = connection;
    this.#names = tableNames(options.tablePrefix);
    this.#settings = connectionSettings(options);
    try {
      const { logToSync } = applyConnectionSettings(connection, this.#settings);
      this.#logSync = logToSync === null ? undefined : new LogSync(logToSync);
      this.#transaction = prepareTransactionStatements(connection);
    } catch (error) {
      throw this.#fromDriverError(error);
    }
  }

  /**
   * Creates the store's tables, or brings them up to date: every migration step the `migrations` table does
   * not record runs, in one `BEGIN IMMEDIATE` transaction. Idempotent, and safe when several processes call
   * it at once: they take turns on the write lock, and each finds the steps of those before it recorded.
   */
  async migrate(options: StoreOperationOptions = {}): Promise<void> {
    this.#checkStart(options.signal);
    this.#begin();
    try {
      applyMissingSteps(this.#connection, this.#names);
    } catch (error) {
      throw this.#abandon(error);
    }
    this.#commit();
    await this.#logSync?.durable();
  }

  /**
   * Checks the request and queues it: it runs in the next batch of writes (see `group-commit.ts`), in one
   * transaction with the others, and the promise settles once that transaction has committed.
   */
  async write(request: WriteRequest, options: StoreOperationOptions = {}): Promise<WriteResult> {
    const change = checkedChange(request);
    const atMs = msArgument("atMs", request.atMs);
    const changeExpiresAtMs = msArgument("changeExpiresAtMs", request.changeExpiresAtMs);
    const userId = textArgument("userId", request.userId);
    const claim = request.idempotency;
    if (claim !== undefined) {
      textArgument("idempotency.key", claim.key);
      textArgument("idempotency.fingerprint", claim.fingerprint);
      msArgument("idempotency.expiresAtMs", claim.expiresAtMs);
    }
    this.#checkStart(options.signal);
    this.#prepared(); // missing tables: answered now, as a closed database or a fired signal is
    return this.#writes.add({
      request: { userId, change, atMs, changeExpiresAtMs, idempotency: claim },
      signal: options.signal,
    });
  }

  async listAppointments(
    userId: string,
    query: RecordQuery,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord[]> {
    const status = listStatus(query);
    const { after } = query;
    if (after !== undefined && (typeof after.startMs !== "number" || Number.isNaN(after.startMs))) {
      throw new InvalidArgumentError("query.after.startMs", "after.startMs must be a number");
    }
    const params = [
      userId,
      lowerBound(query.fromMs),
      upperBound(query.toMs),
      // After (start, id): a fraction of a millisecond is compared exactly; the empty id is before every id.
      lowerBound(after?.startMs),
      after === undefined ? "" : textArgument("query.after.id", after.id),
      query.limit === undefined ? -1 : countArgument("query.limit", query.limit),
    ];
    const rows = this.#read(options.signal, (statements) => {
      const statement =
        status === "all" ? statements.listAll : status === "holding" ? statements.listHolding : statements.listBooked;
      return statement.all(...params) as RecordRow[];
    });
    await this.#seenDurable(userId);
    return rows.map(recordFromRow);
  }

  /**
   * The booked and held records (holds whatever their expiry, until purged) of every user whose resource span
   * overlaps the range, through the resource index, in the contract's order (span start, user id, id by code
   * units): see the statement `listResource`.
   */
  async listResourceAppointments(
    resourceId: string,
    query: ResourceRecordQuery,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord[]> {
    const resource = textArgument("resourceId", resourceId);
    const limit = query.limit === undefined ? undefined : countArgument("query.limit", query.limit);
    const fromMs = lowerBound(query.fromMs);
    const toMs = upperBound(query.toMs);
    const startsFrom = lowerBound(query.candidatesStartFrom);
    // The offset of the limit's last record; beyond every row without a limit (then all are read).
    const lastOffset = limit === undefined ? Number.MAX_SAFE_INTEGER : limit - 1;
    const rows = this.#read(
      options.signal,
      (statements) =>
        statements.listResource.all(
          resource,
          fromMs,
          toMs,
          startsFrom,
          resource,
          fromMs,
          toMs,
          startsFrom,
          lastOffset,
        ) as RecordRow[],
    );
    await this.#seenDurable();
    const records = rows.map(recordFromRow).sort(compareResourceRecords);
    return limit === undefined ? records : records.slice(0, limit);
  }

  async getAppointment(
    userId: string,
    id: string,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord | null> {
    const row = this.#read(options.signal, (statements) => statements.get.get(userId, id) as RecordRow | undefined);
    await this.#seenDurable(userId);
    return row ? recordFromRow(row) : null;
  }

  /**
   * Events in feed order after `query.after`: the order of their ids, handed out one write at a time under
   * the write lock, so the order of commit. One statement reads both tables (the archived events and the
   * current versions'), so one snapshot: a page never shows an event without every one committed before it.
   */
  async readChanges(query: ChangeQuery, options: StoreOperationOptions = {}): Promise<ChangeRecord[]> {
    const after = parseFeedPosition(query.after);
    const limit = countArgument("limit", query.limit);
    const { userId } = query;
    const rows = this.#read(options.signal, (statements) =>
      userId === undefined
        ? (statements.changes.all(after, after, limit) as EventRow[])
        : (statements.userChanges.all(after, userId, after, userId, limit) as EventRow[]),
    );
    await this.#seenDurable(userId);
    return rows.map(eventFromRow);
  }

  /**
   * Removes the idempotency keys that expired at or before `nowMs`, through their expiry index, and the
   * archived events that did, in feed order up to the first one still kept (each scheduler gives every event
   * the same retention, so they expire in feed order; one kept longer only delays the removal of those
   * after it). The event of an appointment's current version is its row, and stays while it does.
   *
   * Also deletes the held appointments whose holds expired at or before `nowMs` (they count toward nothing
   * already), through the index of held rows by expiry, so without reading a live row; each one's `held`
   * event, its row until then, first moves to the archived events, to stay in the feed until it expires. The
   * positions of deleted rows are never handed out again (see migrations.ts, step 3).
   */
  async purgeExpired(nowMs: number, options: StoreOperationOptions = {}): Promise<number> {
    const now = msArgument("nowMs", nowMs);
    this.#checkStart(options.signal);
    const statements = this.#prepared();
    this.#begin();
    let removed: number;
    try {
      statements.archiveExpiredHolds.run(now, now);
      statements.spendPositions.run(now);
      removed =
        changesOf(statements.purgeKeys.run(now)) +
        changesOf(statements.purgeHolds.run(now)) +
        changesOf(statements.purgeChanges.run(now, now));
    } catch (error) {
      throw this.#abandon(error);
    }
    this.#commit();
    return removed;
  }

  /**
   * A batch of writes, in the order they were called. A write whose signal fired while it waited is settled
   * at once, having done nothing; the others run in one transaction, each as it would alone after those
   * before it (see {@link SqliteStore.#runTransaction}).
   */
  #runBatch(batch: readonly QueuedWrite[]): BatchOutcome<WriteResult> {
    const writes: BatchWrite[] = batch.map(({ request, signal }) =>
      signal?.aborted ? { request, settlement: { error: signalError(signal) } } : { request },
    );
    let toRun = writes.filter((write) => write.settlement === undefined);
    while (toRun.length > 0) toRun = this.#runTransaction(toRun);
    const settlements = writes.map((write) => write.settlement ?? { error: new Error("The write was not run") });
    if (this.#logSync === undefined) return settlements;
    // Every answer waits until what it saw is durable: its own commit, and the earlier ones it read. When the
    // sync fails, no answer can be trusted to last: each becomes that error, an unknown outcome.
    return this.#logSync.durableAfterBatch(batch.length).then(
      () => settlements,
      (error: unknown) => settlements.map((settlement) => ("error" in settlement ? settlement : { error })),
    );
  }

  /**
   * `writes` in one `BEGIN IMMEDIATE … COMMIT`, each in a savepoint of its own: a write that wrote is
   * released into the transaction; one that wrote nothing (a refusal, a replay) or failed is rolled back to
   * its savepoint, so that it changes nothing for the others (a lone write runs without one: the whole
   * transaction is its to undo). Then one `COMMIT`, one sync, and every write
   * is settled with its own outcome; a batch that wrote nothing rolls back instead. Settles every write and
   * answers `[]`, or, when a failed write took the whole transaction down with it (nothing of it written),
   * settles that one and answers the others, to run again in a new transaction.
   *
   * - `BEGIN` fails (the lock held past `busyTimeoutMs`, a closed database): every write gets its error,
   *   typed, nothing written.
   * - `COMMIT` fails: every write that had an outcome gets the raw error (an unknown outcome: an outcome
   *   that wrote nothing was read in a transaction that may not have committed). A write that failed alone
   *   keeps its own error: its savepoint was undone whatever became of the transaction.
   */
  #runTransaction(writes: readonly BatchWrite[]): BatchWrite[] {
    let statements: Statements;
    try {
      statements = this.#prepared();
      this.#begin();
    } catch (error) {
      for (const write of writes) write.settlement = { error };
      return [];
    }
    const answered: [BatchWrite, WriteResult][] = [];
    let wrote = false;
    // A lone write needs no savepoint: what it would undo alone is the whole transaction, rolled back below.
    const lone = writes.length === 1;
    for (const write of writes) {
      let applied: Applied;
      try {
        applied = lone ? applyWrite(statements, write.request) : this.#applyInSavepoint(statements, write.request);
      } catch (error) {
        const undoneAlone = !lone && this.#undoSavepoint();
        if (!undoneAlone && !this.#endTransaction()) {
          // Not even the whole transaction could be rolled back: no write without an answer yet can be told.
          for (const other of writes) other.settlement ??= { error };
          return [];
        }
        write.settlement = { error: this.#fromDriverError(error, true) };
        if (undoneAlone) continue;
        // The transaction went down with the write, nothing of it written: the others run again.
        return writes.filter((other) => other.settlement === undefined);
      }
      wrote ||= applied.wrote;
      answered.push([write, applied.result]);
    }
    try {
      // The users whose records the batch changed: a later read of one of them waits for this commit's sync.
      if (wrote) this.#commit(answered.map(([write]) => write.request.userId));
      else this.#rollBack();
    } catch (error) {
      for (const [write] of answered) write.settlement = { error };
      return [];
    }
    for (const [write, result] of answered) write.settlement = { value: result };
    return [];
  }

  /** One write in a transaction, in a savepoint of its own: kept when it wrote, undone when it did not. */
  #applyInSavepoint(statements: Statements, request: CheckedRequest): Applied {
    this.#transaction.savepoint.run();
    const applied = applyWrite(statements, request);
    if (!applied.wrote) this.#transaction.rollbackToSavepoint.run();
    this.#transaction.release.run();
    return applied;
  }

  /** After a write failed: undoes it alone, back to its savepoint. `false` when that could not be done. */
  #undoSavepoint(): boolean {
    // SQLite rolls the whole transaction back by itself after some failures (SQLITE_FULL, SQLITE_NOMEM, …).
    if (this.#connection.inTransaction() === false) return false;
    try {
      this.#transaction.rollbackToSavepoint.run();
      this.#transaction.release.run();
      return true;
    } catch {
      return false;
    }
  }

  /** Rolls the whole transaction back. `true` when none is left open (also when SQLite had rolled it back). */
  #endTransaction(): boolean {
    if (this.#connection.inTransaction() === false) return true;
    try {
      this.#transaction.rollback.run();
      return true;
    } catch (error) {
      return isNoTransactionError(error);
    }
  }

  /** The statements on the store's tables, prepared at the first call that needs them. */
  #prepared(): Statements {
    if (this.#statements) return this.#statements;
    if (!this.#connection.isOpen()) throw closedError();
    try {
      this.#statements = prepareStatements(this.#connection, this.#names);
    } catch (error) {
      const message = (error as { message?: unknown } | null)?.message;
      // Tables, or the columns of a later migration step, that are not there yet.
      if (typeof message === "string" && /no such (table|column)/.test(message)) {
        throw new StoreUnavailableError(
          `The appointment store's tables are missing or out of date (${message}): call store.migrate() first`,
          { cause: error },
        );
      }
      throw this.#fromDriverError(error);
    }
    return this.#statements;
  }

  /** A read: one statement, so one snapshot. */
  #read<T>(signal: AbortSignal | undefined, run: (statements: Statements) => T): T {
    this.#checkStart(signal);
    const statements = this.#prepared();
    try {
      return run(statements);
    } catch (error) {
      throw this.#fromDriverError(error);
    }
  }

  /**
   * After a read: waits until the commits it may have seen are durable (see `log-sync.ts`), so that nothing
   * answered shows a write that a power loss could still take back; for a read of one user's records
   * (`userId`), only the commits that changed that user's records, the only ones that can change its answer.
   * A failed sync was reported to the writes it concerned; the read answers what it read.
   */
  async #seenDurable(userId?: string): Promise<void> {
    await this.#logSync?.durable(userId).catch(() => undefined);
  }

  /** Before an operation: a fired signal stops it (nothing is done), as does a closed database. */
  #checkStart(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw signalError(signal);
    if (!this.#connection.isOpen()) throw closedError();
  }

  /** `BEGIN IMMEDIATE`: takes the write lock, waiting up to `busy_timeout` for it. Nothing written on failure. */
  #begin(): void {
    try {
      this.#transaction.begin.run();
    } catch (error) {
      throw this.#fromDriverError(error);
    }
  }

  /**
   * `COMMIT`. Its failure is rethrown as it is: the write may have reached the disk (an unknown outcome).
   * `users`: those whose records the transaction changed; without it, it may have changed anyone's.
   */
  #commit(users?: readonly string[]): void {
    try {
      this.#transaction.commit.run();
      this.#logSync?.committed(users);
    } catch (error) {
      this.#logSync?.committed(users); // it may have committed: what is answered after it waits for a sync too
      if (this.#connection.inTransaction() !== false) {
        try {
          this.#transaction.rollback.run();
        } catch {
          // The commit's error is the one to report.
        }
      }
      throw error;
    }
  }

  /** Ends a transaction that wrote nothing. */
  #rollBack(): void {
    try {
      this.#transaction.rollback.run();
    } catch (error) {
      if (!isNoTransactionError(error)) throw this.#fromDriverError(error);
    }
  }

  /**
   * The error to throw for `error`, raised inside the transaction: rolled back first, so nothing was
   * written, unless the rollback itself failed (then `error` as it is: the outcome is unknown).
   */
  #abandon(error: unknown): unknown {
    if (this.#connection.inTransaction() !== false) {
      try {
        this.#transaction.rollback.run();
      } catch (rollbackError) {
        // SQLite rolls some failed transactions back by itself; then there is none left to roll back.
        if (!isNoTransactionError(rollbackError)) return error;
      }
    }
    return this.#fromDriverError(error, true);
  }

  /** The typed error for `error` (see `driver-errors.ts`), raised `inTransaction` (then rolled back) or not. */
  #fromDriverError(error: unknown, inTransaction = false): unknown {
    return fromDriverError(error, { busyTimeoutMs: this.#settings.busyTimeoutMs, inTransaction });
  }
}

function closedError(): StoreUnavailableError {
  return new StoreUnavailableError("The appointment store's SQLite database is closed");
}

/** The typed error for a signal that fired before an operation started: nothing was done. */
function signalError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: unknown } | undefined;
  return reason?.name === "TimeoutError"
    ? new OperationTimedOutError({ cause: signal.reason })
    : new OperationAbortedError({ cause: signal.reason });
}
