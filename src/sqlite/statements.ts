/**
 * The SQLite store's statements: the SQL of every operation, prepared once per store. Bounds are always
 * given (the widest when a query has none), so that each statement has one plan; parameters are positional
 * (`?`), the one form both drivers bind alike.
 *
 * @module
 */
import type { SqliteConnection, SqliteStatement } from "./driver-adapter.js";
import { ARCHIVED_EVENT_COLUMNS, CURRENT_EVENT_COLUMNS, RECORD_COLUMNS } from "./record-rows.js";
import type { TableNames } from "./table-names.js";

/**
 * A statement's `LIMIT` from its parameter. Not a bare `LIMIT ?`: SQLite (3.47 and later) reads a bare
 * parameter's value when it plans the statement, and so marks the statement to be prepared again whenever
 * that parameter is bound, which is every time it runs (it cost a one-row list about 13 µs, more than the
 * list itself). The `CAST` makes the limit an expression, evaluated when the statement runs.
 */
const LIMIT = "LIMIT CAST(? AS INTEGER)";

/** The statements that need no table: the transaction's own, and those of each write's savepoint in it. */
export interface TransactionStatements {
  readonly begin: SqliteStatement;
  readonly commit: SqliteStatement;
  readonly rollback: SqliteStatement;
  readonly savepoint: SqliteStatement;
  readonly release: SqliteStatement;
  readonly rollbackToSavepoint: SqliteStatement;
}

/** The store's statements on its tables, prepared once, at the first operation after the tables exist. */
export interface Statements {
  readonly key: SqliteStatement;
  readonly keepKey: SqliteStatement;
  readonly current: SqliteStatement;
  readonly idTaken: SqliteStatement;
  readonly candidates: SqliteStatement;
  readonly resourceCandidates: SqliteStatement;
  readonly insert: SqliteStatement;
  readonly archive: SqliteStatement;
  readonly move: SqliteStatement;
  readonly cancel: SqliteStatement;
  readonly changeHold: SqliteStatement;
  readonly get: SqliteStatement;
  readonly listBooked: SqliteStatement;
  readonly listHolding: SqliteStatement;
  readonly listAll: SqliteStatement;
  readonly listResource: SqliteStatement;
  readonly changes: SqliteStatement;
  readonly userChanges: SqliteStatement;
  readonly purgeKeys: SqliteStatement;
  readonly purgeChanges: SqliteStatement;
  readonly archiveExpiredHolds: SqliteStatement;
  readonly spendPositions: SqliteStatement;
  readonly purgeHolds: SqliteStatement;
}

/** The transaction's own statements, which need no table: prepared when the store is created. */
export function prepareTransactionStatements(connection: SqliteConnection): TransactionStatements {
  return {
    begin: connection.prepare("BEGIN IMMEDIATE"),
    commit: connection.prepare("COMMIT"),
    rollback: connection.prepare("ROLLBACK"),
    // One write of a batch at a time: the savepoint is released before the next one begins.
    savepoint: connection.prepare("SAVEPOINT scheduler_write"),
    release: connection.prepare("RELEASE scheduler_write"),
    rollbackToSavepoint: connection.prepare("ROLLBACK TO scheduler_write"),
  };
}

/** The statements on the store's tables (which must exist). */
export function prepareStatements(connection: SqliteConnection, names: TableNames): Statements {
  const { appointments: a, changes: c, idempotencyKeys: k } = names;
  const prepare = (sql: string) => connection.prepare(sql);
  // Lists through the index in list order, from the cursor on.
  const list = (where: string) =>
    prepare(`SELECT ${RECORD_COLUMNS} FROM ${a}
      WHERE user_id = ? AND end_ms > ? AND start_ms < ? AND (start_ms, id) > (?, ?) AND ${where}
      ORDER BY start_ms, id ${LIMIT}`);
  // A new version's position: one more than the largest ever handed out, under the write lock: the table's
  // largest, or one that a row deleted by purgeExpired held (see migrations.ts, step 3).
  const nextPosition = `max(
      coalesce((SELECT deleted_up_to FROM ${names.positions} WHERE id = 1), 0),
      coalesce((SELECT max(change_id) FROM ${a}), 0)) + 1`;
  // The records that occupy their time at the write's instant (the parameter): booked, or held until after it.
  const occupying = "(status = 'booked' OR status = 'held' AND hold_expires_ms > ?)";
  return {
    key: prepare(`SELECT fingerprint, outcome, expires_ms FROM ${k} WHERE user_id = ? AND key = ?`),
    keepKey: prepare(
      `INSERT INTO ${k} (user_id, key, fingerprint, outcome, expires_ms) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id, key) DO UPDATE
        SET fingerprint = excluded.fingerprint, outcome = excluded.outcome, expires_ms = excluded.expires_ms`,
    ),
    current: prepare(`SELECT change_id, ${RECORD_COLUMNS} FROM ${a} WHERE user_id = ? AND id = ?`),
    idTaken: prepare(`SELECT 1 FROM ${a} WHERE user_id = ? AND id = ?`),
    // The occupancy check's candidates: the user's records that hold periods at the write's instant (those
    // that occupy their time, and those cancelled at or after their start), narrowed to those that hold the
    // span of the periods or, when overlap is refused, overlap the new times (see #occupancyConflict).
    candidates: prepare(
      `SELECT ${RECORD_COLUMNS} FROM ${a}
      WHERE user_id = ? AND start_ms >= ? AND start_ms < ? AND end_ms >= ? AND end_ms < ? AND id <> ?
        AND (${occupying} OR cancelled_ms >= start_ms)
        AND (local_start_ms < ? AND local_end_ms > ? OR ? AND ${occupying} AND start_ms < ? AND end_ms > ?)
      ORDER BY start_ms, id`,
    ),
    // A resource claim's candidates, of every user: the records of the resource that occupy it at the write's
    // instant and whose span starts within the claim's window (through the resource index, whose predicate
    // the status term repeats) and overlaps the claimed span, but the one moved.
    resourceCandidates: prepare(
      `SELECT ${RECORD_COLUMNS} FROM ${a}
      WHERE resource_id = ? AND resource_from_ms >= ? AND resource_from_ms < ?
        AND resource_from_ms < ? AND resource_to_ms > ? AND status IN ('booked', 'held')
        AND (status = 'booked' OR hold_expires_ms > ?) AND change_id IS NOT ?`,
    ),
    // A booking or hold. The row is its own event: its position is the next one.
    insert: prepare(
      `INSERT INTO ${a} (change_id, user_id, id, status, start_ms, end_ms, local_start_ms, local_end_ms, version,
        created_ms, updated_ms, metadata, resource_id, resource_from_ms, resource_to_ms, appointment_type,
        hold_expires_ms, change_key, change_expires_ms)
      VALUES (${nextPosition}, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (user_id, id) DO NOTHING`,
    ),
    archive: prepare(
      `INSERT INTO ${c} (id, user_id, type, appointment_id, status, start_ms, end_ms, local_start_ms, local_end_ms,
        version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata,
        resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms,
        previous_start_ms, previous_end_ms, idempotency_key, changed_ms, expires_ms)
      SELECT change_id, user_id, ?, id, status, start_ms, end_ms, local_start_ms, local_end_ms,
        version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata,
        resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms,
        ?, ?, change_key, updated_ms, change_expires_ms
      FROM ${a} WHERE change_id = ?`,
    ),
    move: prepare(
      `UPDATE ${a} SET change_id = ${nextPosition}, start_ms = ?, end_ms = ?, local_start_ms = ?, local_end_ms = ?,
        version = version + 1, updated_ms = ?, previous_times = ?, resource_id = ?, resource_from_ms = ?,
        resource_to_ms = ?, change_key = ?, change_expires_ms = ?
      WHERE change_id = ?`,
    ),
    cancel: prepare(
      `UPDATE ${a} SET change_id = ${nextPosition}, status = 'cancelled', version = version + 1, updated_ms = ?,
        cancelled_ms = ?, cancellation_reason = ?, change_key = ?, change_expires_ms = ?
      WHERE change_id = ?`,
    ),
    // A confirm (status 'booked') or release ('released') of a hold: nothing but its state changes.
    changeHold: prepare(
      `UPDATE ${a} SET change_id = ${nextPosition}, status = ?, version = version + 1, updated_ms = ?,
        change_key = ?, change_expires_ms = ?
      WHERE change_id = ?`,
    ),
    get: prepare(`SELECT ${RECORD_COLUMNS} FROM ${a} WHERE user_id = ? AND id = ?`),
    listBooked: list("status = 'booked'"),
    // What can hold periods, whatever the clock: holds whatever their expiry (the caller judges it).
    listHolding: list("(status IN ('booked', 'held') OR cancelled_ms >= start_ms)"),
    listAll: list("1"),
    // A resource's booked and held records (holds whatever their expiry: the caller judges it) whose span
    // overlaps the range, in span start order, through the resource index. SQLite orders the ids by code points, the contract by code units: they differ only between equal
    // span starts, which the store sorts again. So that a page cut by the limit holds every record it should,
    // it reads every record whose span starts at or before the limit's last one (the subquery: its span
    // start); the store cuts the page once sorted. Spans are searched by start from the caller's bound
    // (candidatesStartFrom), not from the resource's first span ever.
    listResource: prepare(
      `SELECT ${RECORD_COLUMNS} FROM ${a}
      WHERE resource_id = ? AND resource_to_ms > ? AND resource_from_ms < ? AND resource_from_ms >= ?
        AND status IN ('booked', 'held')
        AND resource_from_ms <= coalesce(
          (SELECT resource_from_ms FROM ${a}
          WHERE resource_id = ? AND resource_to_ms > ? AND resource_from_ms < ? AND resource_from_ms >= ?
            AND status IN ('booked', 'held')
          ORDER BY resource_from_ms LIMIT 1 OFFSET ?),
          9223372036854775807)
      ORDER BY resource_from_ms, user_id, id`,
    ),
    // Both tables in one compound statement, merged in position order: each side in its own order.
    changes: prepare(
      `SELECT ${ARCHIVED_EVENT_COLUMNS} FROM ${c} WHERE id > ?
      UNION ALL
      SELECT ${CURRENT_EVENT_COLUMNS} FROM ${a} WHERE change_id > ?
      ORDER BY position ${LIMIT}`,
    ),
    userChanges: prepare(
      `SELECT ${ARCHIVED_EVENT_COLUMNS} FROM ${c} WHERE id > ? AND user_id = ?
      UNION ALL
      SELECT ${CURRENT_EVENT_COLUMNS} FROM ${a} WHERE change_id > ? AND user_id = ?
      ORDER BY position ${LIMIT}`,
    ),
    purgeKeys: prepare(`DELETE FROM ${k} WHERE expires_ms <= ?`),
    // Archived events in feed order up to the first one still kept, without an index on their expiry.
    purgeChanges: prepare(
      `DELETE FROM ${c}
      WHERE id < coalesce((SELECT l.id FROM ${c} AS l WHERE l.expires_ms > ? ORDER BY l.id LIMIT 1), 9223372036854775807)
        AND expires_ms <= ?`,
    ),
    // Before expired holds are deleted: the event of each (its row, a hold at version 1) moves to the changes
    // table, as it is, at its position, unless the event has expired too. Through the index of held rows by
    // hold expiry, as the delete.
    archiveExpiredHolds: prepare(
      `INSERT INTO ${c} (id, user_id, type, appointment_id, status, start_ms, end_ms, local_start_ms, local_end_ms,
        version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata,
        resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms,
        previous_start_ms, previous_end_ms, idempotency_key, changed_ms, expires_ms)
      SELECT change_id, user_id, 'held', id, status, start_ms, end_ms, local_start_ms, local_end_ms,
        version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata,
        resource_id, resource_from_ms, resource_to_ms, appointment_type, hold_expires_ms,
        NULL, NULL, change_key, updated_ms, change_expires_ms
      FROM ${a} WHERE status = 'held' AND hold_expires_ms <= ? AND change_expires_ms > ?`,
    ),
    // Before expired holds are deleted (when there are some): no position up to the table's largest is handed
    // out again.
    spendPositions: prepare(
      `UPDATE ${names.positions} SET deleted_up_to = max(deleted_up_to, (SELECT max(change_id) FROM ${a}))
      WHERE id = 1 AND EXISTS (SELECT 1 FROM ${a} WHERE status = 'held' AND hold_expires_ms <= ?)`,
    ),
    purgeHolds: prepare(`DELETE FROM ${a} WHERE status = 'held' AND hold_expires_ms <= ?`),
  };
}
