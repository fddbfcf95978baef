/**
 * The SQLite store's schema, as migrations: numbered, forward-only steps, each recorded in the `migrations`
 * table once applied. A step is never edited once released: a change to the schema is a new step.
 *
 * Times are `INTEGER` milliseconds (instants since the epoch, wall-clock times as if that clock were UTC),
 * exact over the whole range of JavaScript dates. Tables are `STRICT`: a value of the wrong type is refused,
 * never converted. Text compares by `BINARY` collation (code points, as PostgreSQL's `COLLATE "C"`).
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import type { SqliteConnection } from "./driver-adapter.js";
import { DEFAULT_TABLE_PREFIX, type TableNames, tableNames } from "./table-names.js";

/** One step: its number, a name for the `migrations` table, and its statements in order. */
export interface MigrationStep {
  readonly version: number;
  readonly name: string;
  statements(names: TableNames): string[];
}

/** The migrations, in order. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [
  {
    version: 1,
    name: "store contract v2: appointments, change feed, idempotency keys",
    statements: contractV2Statements,
  },
  {
    version: 2,
    name: "resources: resource spans and appointment types",
    statements: resourceStatements,
  },
  {
    version: 3,
    name: "holds: held and released appointments, hold expiry, positions never reused",
    statements: holdStatements,
  },
];

/** The latest version: what a migrated database is at. */
export const LATEST_VERSION = MIGRATION_STEPS.length;

/** `CREATE TABLE IF NOT EXISTS` of the `migrations` table, which every migration reads first. */
export function migrationsTableStatement(names: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.migrations} (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_ms INTEGER NOT NULL
) STRICT`;
}

/** The row that records `step` as applied, now (epoch milliseconds, by the database's clock). */
export function recordStepStatement(names: TableNames, step: MigrationStep): string {
  const now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  return `INSERT INTO ${names.migrations} (version, name, applied_ms) VALUES (${step.version}, '${step.name.replaceAll("'", "''")}', ${now}) ON CONFLICT (version) DO NOTHING`;
}

/**
 * Creates the `migrations` table if needed and runs every step it does not record, recording each, in the
 * caller's transaction (`SqliteStore.migrate()` holds the write lock around it). Returns the versions applied.
 */
export function applyMissingSteps(connection: SqliteConnection, names: TableNames): number[] {
  connection.exec(migrationsTableStatement(names));
  const rows = connection.prepare(`SELECT version FROM ${names.migrations}`).all() as { version: number }[];
  const recorded = new Set(rows.map((row) => row.version));
  const applied: number[] = [];
  for (const step of MIGRATION_STEPS) {
    if (recorded.has(step.version)) continue;
    for (const statement of step.statements(names)) connection.exec(statement);
    connection.exec(recordStepStatement(names, step));
    applied.push(step.version);
  }
  return applied;
}

/** Options of {@link sqliteSchemaStatements}. */
export interface SqliteSchemaSqlOptions {
  /** The tables' prefix, as the store's option. Default `"scheduler_"`. */
  readonly tablePrefix?: string;
  /** The version the database is at: only the later steps are returned. Default 0 (an empty database). */
  readonly fromVersion?: number;
}

/**
 * The statements that create the store's schema (or bring one at `fromVersion` up to date), in order: the
 * `migrations` table, then each step and the row recording it. For your own migration tool: run them once,
 * in one transaction. `SqliteStore.migrate()` does the same, under the database's write lock, and later
 * finds the steps recorded.
 */
export function sqliteSchemaStatements(options: SqliteSchemaSqlOptions = {}): string[] {
  const names = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX);
  const fromVersion = options.fromVersion ?? 0;
  if (!Number.isInteger(fromVersion) || fromVersion < 0 || fromVersion > LATEST_VERSION) {
    throw new InvalidArgumentError(
      "options.fromVersion",
      `fromVersion must be an integer from 0 to ${LATEST_VERSION}, not ${String(fromVersion)}`,
    );
  }
  const statements = [migrationsTableStatement(names)];
  for (const step of MIGRATION_STEPS) {
    if (step.version <= fromVersion) continue;
    statements.push(...step.statements(names), recordStepStatement(names, step));
  }
  return statements;
}

/** {@link sqliteSchemaStatements} as one SQL script. */
export function sqliteSchemaSql(options: SqliteSchemaSqlOptions = {}): string {
  return `${sqliteSchemaStatements(options).join(";\n\n")};\n`;
}

/**
 * Step 1: the tables of store contract v2.
 *
 * An appointment's row is also the event of its current version, so that a booking writes one row: its
 * `change_id`, the table's `INTEGER PRIMARY KEY`, is that event's position in the feed. A move or cancel
 * first copies the current version, as the event it is, into the `changes` table (keeping its position),
 * then gives the row the next position: one more than the largest, taken under the database's write lock.
 * Writes take that lock one at a time, so positions are handed out in commit order, and every snapshot a
 * reader sees holds a prefix of them.
 */
function contractV2Statements(names: TableNames): string[] {
  const { appointments, changes, idempotencyKeys } = names;
  return [
    `CREATE TABLE ${appointments} (
  change_id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  local_start_ms INTEGER NOT NULL,
  local_end_ms INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  cancelled_ms INTEGER,
  cancellation_reason TEXT,
  previous_times TEXT NOT NULL DEFAULT '[]',
  metadata TEXT,
  change_key TEXT,
  change_expires_ms INTEGER NOT NULL,
  CHECK (end_ms > start_ms),
  CHECK ((cancelled_ms IS NOT NULL) = (status = 'cancelled'))
) STRICT`,
    // A user's record by id, and the uniqueness of ids per user (a booking's id-taken).
    `CREATE UNIQUE INDEX ${names.index("appointments_by_id")} ON ${appointments} (user_id, id)`,
    // Lists in their order, and the occupancy check's candidates by start (the end alongside, so that the
    // end window is tested in the index).
    `CREATE INDEX ${names.index("appointments_in_list_order")} ON ${appointments} (user_id, start_ms, id, end_ms)`,
    // The feed's earlier events: the appointment as it was right after the change, column for column.
    `CREATE TABLE ${changes} (
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('booked', 'rescheduled', 'cancelled')),
  appointment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  local_start_ms INTEGER NOT NULL,
  local_end_ms INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  cancelled_ms INTEGER,
  cancellation_reason TEXT,
  previous_times TEXT NOT NULL,
  metadata TEXT,
  previous_start_ms INTEGER,
  previous_end_ms INTEGER,
  idempotency_key TEXT,
  changed_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
) STRICT`,
    // One user's feed, in order.
    `CREATE INDEX ${names.index("changes_by_user")} ON ${changes} (user_id, id)`,
    `CREATE TABLE ${idempotencyKeys} (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  outcome TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID`,
    `CREATE INDEX ${names.index("idempotency_keys_expiry")} ON ${idempotencyKeys} (expires_ms)`,
  ];
}

/**
 * Step 2: bookable resources. Each appointment (and each archived event, the appointment as it was) keeps
 * the span it occupies of a resource (`resource_id`, `resource_from_ms`, `resource_to_ms`: all three `NULL`
 * when it occupies none) and the name of its appointment type (`NULL` for none). Rows from before the step
 * occupy no resource and have no type.
 *
 * The index finds a resource's records by span start, for the capacity check's candidates and the
 * resource's lists; only rows with a resource are in it.
 */
function resourceStatements(names: TableNames): string[] {
  const columns = ["resource_id TEXT", "resource_from_ms INTEGER", "resource_to_ms INTEGER", "appointment_type TEXT"];
  return [
    ...columns.map((column) => `ALTER TABLE ${names.appointments} ADD COLUMN ${column}`),
    ...columns.map((column) => `ALTER TABLE ${names.changes} ADD COLUMN ${column}`),
    `CREATE INDEX ${names.index("appointments_by_resource")} ON ${names.appointments} (resource_id, resource_from_ms, resource_to_ms)
  WHERE resource_id IS NOT NULL`,
  ];
}

/**
 * Step 3: holds. Appointments may be `held` (until `hold_expires_ms`) and `released`; the feed has `held`,
 * `confirmed` and `released` events; each appointment and archived event keeps `hold_expires_ms` (`NULL` for
 * one booked directly, and for every row from before the step).
 *
 * Both tables are rebuilt, since SQLite cannot change a `CHECK` constraint in place (step 1 limits the
 * statuses and the event types): each is created anew under a temporary name, filled from the old one (every
 * row, with its position), the old one dropped and the new one renamed, as SQLite's documentation on
 * altering tables recommends; then the indexes are created again. In the caller's one transaction, so a
 * failure leaves the step-2 tables as they were.
 *
 * Expired holds are the first rows the store deletes (`purgeExpired`), and a deleted row may hold the largest
 * position: positions must not be handed out again, or a consumer that read up to one would skip the next
 * event given it. So the step adds the one-row `positions` table: before it deletes rows, `purgeExpired`
 * records the table's largest `change_id` there (`deleted_up_to`), and every write gives its row one more
 * than the larger of that and the table's largest (see statements.ts). Not `AUTOINCREMENT`, which would keep
 * the same bound in `sqlite_sequence`, but rewrite it at every booking: a page more to log and sync each time
 * (a fifth of a booking's pages), where `positions` changes only at a purge that deletes.
 *
 * Indexes: the resource index now holds only rows that can occupy a resource (booked, held): cancelled and
 * released ones leave it, as they leave the in-memory store's, so capacity checks do not pass over them; a
 * statement uses it when its `WHERE` says `status IN ('booked', 'held')` word for word. Expired holds stay
 * in it (and in every lookup) until purged: each check judges a hold's expiry at its write's `atMs`. A new
 * partial index on `hold_expires_ms` of the held rows lets `purgeExpired` find expired holds without
 * reading a live row.
 */
function holdStatements(names: TableNames): string[] {
  const { appointments, changes } = names;
  const newAppointments = `${appointments}_new`;
  const newChanges = `${changes}_new`;
  // The columns both tables' rows keep, in the order of steps 1 and 2 (the new table lists them so too).
  const appointmentColumns = `change_id, user_id, id, status, start_ms, end_ms, local_start_ms, local_end_ms, version,
  created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata, change_key, change_expires_ms,
  resource_id, resource_from_ms, resource_to_ms, appointment_type`;
  const changeColumns = `id, user_id, type, appointment_id, status, start_ms, end_ms, local_start_ms, local_end_ms,
  version, created_ms, updated_ms, cancelled_ms, cancellation_reason, previous_times, metadata, previous_start_ms,
  previous_end_ms, idempotency_key, changed_ms, expires_ms, resource_id, resource_from_ms, resource_to_ms,
  appointment_type`;
  return [
    `CREATE TABLE ${newAppointments} (
  change_id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'held', 'released')),
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  local_start_ms INTEGER NOT NULL,
  local_end_ms INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  cancelled_ms INTEGER,
  cancellation_reason TEXT,
  previous_times TEXT NOT NULL DEFAULT '[]',
  metadata TEXT,
  change_key TEXT,
  change_expires_ms INTEGER NOT NULL,
  resource_id TEXT,
  resource_from_ms INTEGER,
  resource_to_ms INTEGER,
  appointment_type TEXT,
  hold_expires_ms INTEGER,
  CHECK (end_ms > start_ms),
  CHECK ((cancelled_ms IS NOT NULL) = (status = 'cancelled')),
  CHECK (hold_expires_ms IS NOT NULL OR status NOT IN ('held', 'released'))
) STRICT`,
    `INSERT INTO ${newAppointments} (${appointmentColumns})
  SELECT ${appointmentColumns} FROM ${appointments} ORDER BY change_id`,
    `DROP TABLE ${appointments}`,
    `ALTER TABLE ${newAppointments} RENAME TO ${appointments}`,
    `CREATE TABLE ${names.positions} (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  deleted_up_to INTEGER NOT NULL
) STRICT`,
    // Before this step nothing was deleted: no position is spent beyond the table's own.
    `INSERT INTO ${names.positions} (id, deleted_up_to) VALUES (1, 0)`,
    // As steps 1 and 2 made them, but the resource index: see above.
    `CREATE UNIQUE INDEX ${names.index("appointments_by_id")} ON ${appointments} (user_id, id)`,
    `CREATE INDEX ${names.index("appointments_in_list_order")} ON ${appointments} (user_id, start_ms, id, end_ms)`,
    `CREATE INDEX ${names.index("appointments_by_resource")} ON ${appointments} (resource_id, resource_from_ms, resource_to_ms)
  WHERE resource_id IS NOT NULL AND status IN ('booked', 'held')`,
    `CREATE INDEX ${names.index("appointments_hold_expiry")} ON ${appointments} (hold_expires_ms)
  WHERE status = 'held'`,
    `CREATE TABLE ${newChanges} (
  id INTEGER PRIMARY KEY,
  user_id TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('booked', 'rescheduled', 'cancelled', 'held', 'confirmed', 'released')),
  appointment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  local_start_ms INTEGER NOT NULL,
  local_end_ms INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  cancelled_ms INTEGER,
  cancellation_reason TEXT,
  previous_times TEXT NOT NULL,
  metadata TEXT,
  previous_start_ms INTEGER,
  previous_end_ms INTEGER,
  idempotency_key TEXT,
  changed_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  resource_id TEXT,
  resource_from_ms INTEGER,
  resource_to_ms INTEGER,
  appointment_type TEXT,
  hold_expires_ms INTEGER
) STRICT`,
    `INSERT INTO ${newChanges} (${changeColumns})
  SELECT ${changeColumns} FROM ${changes} ORDER BY id`,
    `DROP TABLE ${changes}`,
    `ALTER TABLE ${newChanges} RENAME TO ${changes}`,
    `CREATE INDEX ${names.index("changes_by_user")} ON ${changes} (user_id, id)`,
  ];
}
