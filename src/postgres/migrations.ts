/**
 * The store's migrations: numbered, forward-only steps, each recorded in the `migrations` table once
 * applied. Step 1 is the schema of 0.1 exactly as 0.1 created it, so that a database made by 0.1 is
 * recognised; every later step changes what the one before it left. A step is never edited once released:
 * a change to the schema is a new step.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import { legacySchemaStatements } from "./legacy-schema.js";
import { instantFromMs, msOf } from "./sql-time.js";
import type { TableNames } from "./table-names.js";
import {
  canHoldPeriodsSql,
  LONGEST_SPANS_PREDICATE_V4,
  longestSpansPredicateSql,
  mayOccupyResourceSql,
  resourceSpansPredicateSql,
  writeFunctionStatement,
} from "./write-function.js";
import { WRITE_FUNCTION_V2_ARGUMENTS, writeFunctionV2Statement } from "./write-function-v2.js";
import { holdsPeriodsV3Sql, WRITE_FUNCTION_V3_ARGUMENTS, writeFunctionV3Statement } from "./write-function-v3.js";

/** What a step may depend on besides the names. */
export interface MigrationContext {
  /**
   * The time zone in which 0.1's appointments were booked: step 2 records their wall-clock times in it. A
   * validated name (see {@link legacyTimeZoneLiteral}), spliced as an SQL literal.
   */
  readonly legacyTimeZone: string;
}

/** One step: its number, a name for the `migrations` table, and its statements in order. */
export interface MigrationStep {
  readonly version: number;
  readonly name: string;
  statements(names: TableNames, context: MigrationContext): string[];
}

/** The zone of 0.1's appointments when none is given: 0.1's scheduler defaulted to UTC. */
export const DEFAULT_LEGACY_TIME_ZONE = "UTC";

// IANA names (`Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`), offsets and POSIX-style specs;
// no quote, backslash or dollar sign, so the name can sit in a literal inside the migration's dollar quotes.
const TIME_ZONE_PATTERN = /^[A-Za-z0-9_+\-/:.<>]{1,64}$/;

/**
 * `zone` as an SQL string literal, or an `InvalidArgumentError` for a value that cannot be a time zone name.
 * (Whether PostgreSQL knows the zone is checked by {@link PostgresStore.migrate} against the server.)
 */
export function legacyTimeZoneLiteral(zone: unknown): string {
  if (typeof zone !== "string" || !TIME_ZONE_PATTERN.test(zone)) {
    throw new InvalidArgumentError(
      "options.legacyTimeZone",
      "legacyTimeZone must be a time zone name such as UTC or Europe/Berlin",
    );
  }
  return `'${zone}'`;
}

/** The migrations, in order. */
export const MIGRATION_STEPS: readonly MigrationStep[] = [
  {
    version: 1,
    name: "0.1: appointments with start_ms, end_ms and periods; insert_appointment",
    statements: (names) => legacySchemaStatements(names),
  },
  {
    version: 2,
    name: "store contract v2: appointment lifecycle, idempotency keys, change feed; write_appointment",
    statements: contractV2Statements,
  },
  {
    version: 3,
    name: "resources: resource spans and appointment types, capacity per resource, expected versions; write_appointment",
    statements: resourcesStatements,
  },
  {
    version: 4,
    name: "holds and resource choices: held and released appointments, hold expiry, any-of claims; write_appointment",
    statements: holdsStatements,
  },
  {
    version: 5,
    name: "the two indexes of resource spans, each with a predicate of its own; write_appointment",
    statements: resourceSpanIndexesStatements,
  },
];

/** The latest version: what a migrated database is at. */
export const LATEST_VERSION = MIGRATION_STEPS.length;

/** `CREATE TABLE IF NOT EXISTS` of the `migrations` table, which every migration reads first. */
export function migrationsTableStatement(names: TableNames): string {
  return `CREATE TABLE IF NOT EXISTS ${names.migrations} (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
}

/** The row that records `step` as applied. */
export function recordStepStatement(names: TableNames, step: MigrationStep): string {
  return `INSERT INTO ${names.migrations} (version, name) VALUES (${step.version}, '${step.name.replaceAll("'", "''")}') ON CONFLICT (version) DO NOTHING`;
}

/**
 * The whole migration as one statement, a `DO` block, so one transaction: a transaction-scoped advisory
 * lock per schema and prefix (the key 0.1's `migrate()` took too) makes concurrent migrations wait for each
 * other, then every step not yet recorded runs and is recorded. Under READ COMMITTED each statement after
 * the lock sees what a migration that held it before committed.
 */
export function migrationStatement(names: TableNames, context: MigrationContext): string {
  const lines: string[] = [];
  if (names.schema !== undefined) {
    // Stores with other prefixes may create the same schema at the same moment: a lock of the schema's own.
    lines.push(
      `  PERFORM pg_advisory_xact_lock(hashtext('appointment-scheduler'), hashtext('schema ${names.schema}'));`,
    );
    lines.push(`  EXECUTE ${dollarQuoted(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`)};`);
  }
  lines.push(`  PERFORM pg_advisory_xact_lock(hashtext('appointment-scheduler'), hashtext('${names.lockKey}'));`);
  lines.push(`  EXECUTE ${dollarQuoted(migrationsTableStatement(names))};`);
  for (const step of MIGRATION_STEPS) {
    lines.push(`  IF NOT EXISTS (SELECT FROM ${names.migrations} WHERE version = ${step.version}) THEN`);
    for (const statement of step.statements(names, context)) lines.push(`    EXECUTE ${dollarQuoted(statement)};`);
    lines.push(`    EXECUTE ${dollarQuoted(recordStepStatement(names, step))};`);
    lines.push("  END IF;");
  }
  return `DO $migration$\nBEGIN\n${lines.join("\n")}\nEND\n$migration$`;
}

function dollarQuoted(statement: string): string {
  if (statement.includes("$ddl$")) throw new Error("A migration statement contains $ddl$");
  return `$ddl$${statement}$ddl$`;
}

/**
 * Step 2: 0.1's table becomes the appointments table of contract v2 in place (so its grants, ownership and
 * publications stay), and the key and change tables and the write function are created.
 */
function contractV2Statements(names: TableNames, context: MigrationContext): string[] {
  const { appointments, idempotencyKeys, changes } = names;
  const zone = legacyTimeZoneLiteral(context.legacyTimeZone);
  return [
    // The feed's earlier versions: an event is archived here, as it was, when its appointment changes again
    // (the current version's event is the appointments row itself, below). The appointment as it was right
    // after the change, column for column (no JSON to build per write). xid orders the feed by commit (see
    // readChanges); the primary key serves one user's feed. The ids come from one sequence, named here,
    // which the appointments take theirs from too; an archived event keeps its id.
    `CREATE TABLE ${changes} (
  user_id text NOT NULL,
  id bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME ${names.changeIds}),
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  type text NOT NULL CONSTRAINT type_valid CHECK (type IN ('booked', 'rescheduled', 'cancelled')),
  appointment_id text NOT NULL,
  status text NOT NULL,
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  local_start timestamp NOT NULL,
  local_end timestamp NOT NULL,
  version integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  cancelled_at timestamptz,
  cancellation_reason text,
  previous_times jsonb NOT NULL,
  metadata jsonb,
  previous_start_at timestamptz,
  previous_end_at timestamptz,
  idempotency_key text,
  changed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, xid, id)
)`,
    // Filled below, then constrained: 0.1's rows are all booked, at version 1, never moved.
    `ALTER TABLE ${appointments}
  ADD COLUMN status text NOT NULL DEFAULT 'booked',
  ADD COLUMN start_at timestamptz,
  ADD COLUMN end_at timestamptz,
  ADD COLUMN local_start timestamp,
  ADD COLUMN local_end timestamp,
  ADD COLUMN version integer NOT NULL DEFAULT 1,
  ADD COLUMN updated_at timestamptz,
  ADD COLUMN cancelled_at timestamptz,
  ADD COLUMN cancellation_reason text,
  ADD COLUMN previous_times jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN metadata jsonb,
  ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  ADD COLUMN change_id bigint NOT NULL DEFAULT nextval('${names.changeIds}'::regclass),
  ADD COLUMN change_key text,
  ADD COLUMN change_expires_at timestamptz`,
    // 0.1 kept instants only; their wall-clock times are those in the zone its scheduler used. created_at
    // was now(), in microseconds: cut to the contract's milliseconds.
    `UPDATE ${appointments} SET
  start_at = ${instantFromMs("start_ms")},
  end_at = ${instantFromMs("end_ms")},
  local_start = ${instantFromMs("start_ms")} AT TIME ZONE ${zone},
  local_end = ${instantFromMs("end_ms")} AT TIME ZONE ${zone},
  created_at = ${instantFromMs(msOf("created_at"))},
  updated_at = ${instantFromMs(msOf("created_at"))},
  change_expires_at = ${instantFromMs(msOf("created_at"))}`,
    // Dropping start_ms drops 0.1's index on it.
    `ALTER TABLE ${appointments}
  ALTER COLUMN status DROP DEFAULT,
  ALTER COLUMN version DROP DEFAULT,
  ALTER COLUMN created_at DROP DEFAULT,
  ALTER COLUMN start_at SET NOT NULL,
  ALTER COLUMN end_at SET NOT NULL,
  ALTER COLUMN local_start SET NOT NULL,
  ALTER COLUMN local_end SET NOT NULL,
  ALTER COLUMN updated_at SET NOT NULL,
  ALTER COLUMN change_expires_at SET NOT NULL,
  DROP COLUMN start_ms,
  DROP COLUMN end_ms,
  DROP COLUMN periods,
  ADD CONSTRAINT status_valid CHECK (status IN ('booked', 'cancelled')),
  ADD CONSTRAINT ends_after_start CHECK (end_at > start_at),
  ADD CONSTRAINT version_positive CHECK (version >= 1),
  ADD CONSTRAINT cancelled_at_iff_cancelled CHECK ((cancelled_at IS NOT NULL) = (status = 'cancelled'))`,
    `DROP FUNCTION IF EXISTS ${names.legacyInsertFunction}(text, text, bigint, bigint, text[], integer, text, bigint, bigint)`,
    // An earlier 0.1 build's signature, without the holders window.
    `DROP FUNCTION IF EXISTS ${names.legacyInsertFunction}(text, text, bigint, bigint, text[], integer, text)`,
    // The occupancy check searches a user's appointments that hold periods by end (a user's appointments lie
    // mostly before a new one, as a history does, so few end after it); lists by a range find them too.
    `CREATE INDEX ${names.index("appointments_by_end")} ON ${appointments} (user_id, end_at) WHERE ${holdsPeriodsV3Sql()}`,
    // Lists, in their order (start, then id in code-point order): a page reads its own rows, whatever the
    // user's history, and reads on from the cursor through the index.
    `CREATE INDEX ${names.index("appointments_in_list_order")} ON ${appointments} (user_id, start_at, id COLLATE "C")`,
    `CREATE INDEX ${names.index("changes_in_order")} ON ${changes} (xid, id)`,
    // The current versions' events in feed order, merged with the changes table's by readChanges.
    `CREATE INDEX ${names.index("appointments_in_order")} ON ${appointments} (change_xid, change_id)`,
    `CREATE TABLE ${idempotencyKeys} (
  user_id text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  outcome jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
)`,
    `CREATE INDEX ${names.index("idempotency_keys_expiry")} ON ${idempotencyKeys} (expires_at)`,
    writeFunctionV2Statement(names),
  ];
}

/**
 * Step 3: the resource an appointment occupies (its span, buffers included) and its appointment type, on
 * the appointments and in the archived events, an index of the resources' booked spans, and the write
 * function that checks a resource's capacity and a move's expected version (step 2's is dropped: its
 * signature differs, and a process still calling it would move appointments without their resource). Its
 * function is frozen in `write-function-v3.ts`.
 */
function resourcesStatements(names: TableNames): string[] {
  const { appointments, changes } = names;
  return [
    // Nullable, no default: a change of the catalog only, whatever the table's size. Every existing row has
    // no resource, so the constraint holds of them: NOT VALID spares the scan that would prove it under the
    // table's lock, and every row written from now on is checked.
    `ALTER TABLE ${appointments}
  ADD COLUMN resource_id text,
  ADD COLUMN resource_from timestamptz,
  ADD COLUMN resource_to timestamptz,
  ADD COLUMN appointment_type text,
  ADD CONSTRAINT resource_span_whole CHECK
    ((resource_id IS NULL) = (resource_from IS NULL) AND (resource_id IS NULL) = (resource_to IS NULL)) NOT VALID`,
    // An archived event is the appointment as it was, column for column.
    `ALTER TABLE ${changes}
  ADD COLUMN resource_id text,
  ADD COLUMN resource_from timestamptz,
  ADD COLUMN resource_to timestamptz,
  ADD COLUMN appointment_type text`,
    // The capacity check and listResourceAppointments: a resource's booked spans by start. Partial, so
    // appointments without a resource, and cancelled ones, cost it nothing.
    `CREATE INDEX ${names.index("resource_spans")} ON ${appointments} (resource_id, resource_from) WHERE resource_id IS NOT NULL AND status = 'booked'`,
    `DROP FUNCTION IF EXISTS ${names.writeFunction}(${WRITE_FUNCTION_V2_ARGUMENTS.join(", ")})`,
    writeFunctionV3Statement(names),
  ];
}

/** An index's name as `DROP INDEX` takes it: in its table's schema. */
function qualifiedIndex(names: TableNames, suffix: string): string {
  return names.schema === undefined ? names.index(suffix) : `${names.schema}.${names.index(suffix)}`;
}

/**
 * Step 4: holds and resource choices. Appointments (and archived events) get a hold's expiry; the statuses
 * `held` and `released` and the event types `held`, `confirmed` and `released` become valid; the partial
 * indexes that the occupancy and capacity checks search are rebuilt to hold held rows too (a hold counts
 * until it expires, which an index predicate cannot tell: the checks do, at the write's instant), an index
 * of holds by expiry serves `purgeExpired`, and the write function takes holds, confirmations, releases and
 * several claims (step 3's is dropped: its signature differs).
 *
 * The type of the event of an appointment's current version follows from its row, as before (see
 * `currentEventType`): no column records it.
 */
function holdsStatements(names: TableNames): string[] {
  const { appointments, changes } = names;
  return [
    // Nullable, no default: a change of the catalog only. Every existing row meets the new checks (the
    // statuses and types allowed are a superset of the old ones, and no row is held yet): NOT VALID spares the
    // scan that would prove it under the table's lock, and every row written from now on is checked.
    `ALTER TABLE ${appointments}
  ADD COLUMN hold_expires_at timestamptz,
  DROP CONSTRAINT status_valid,
  ADD CONSTRAINT status_valid CHECK (status IN ('booked', 'cancelled', 'held', 'released')) NOT VALID,
  ADD CONSTRAINT hold_expires_when_held CHECK (status <> 'held' OR hold_expires_at IS NOT NULL) NOT VALID`,
    `ALTER TABLE ${changes}
  ADD COLUMN hold_expires_at timestamptz,
  DROP CONSTRAINT type_valid,
  ADD CONSTRAINT type_valid CHECK (type IN ('booked', 'rescheduled', 'cancelled', 'held', 'confirmed', 'released')) NOT VALID`,
    // The occupancy check's candidates, now with held rows: the same index, with step 4's predicate.
    `DROP INDEX ${qualifiedIndex(names, "appointments_by_end")}`,
    `CREATE INDEX ${names.index("appointments_by_end")} ON ${appointments} (user_id, end_at) WHERE ${canHoldPeriodsSql()}`,
    // The capacity check's and listResourceAppointments' spans, now with held rows.
    `DROP INDEX ${qualifiedIndex(names, "resource_spans")}`,
    `CREATE INDEX ${names.index("resource_spans")} ON ${appointments} (resource_id, resource_from) WHERE ${mayOccupyResourceSql()}`,
    // Each resource's longest span, in one probe: how far back the capacity check's search of spans by start
    // must look (see longestSpanSql). The span start last: most spans are equally long, and keys that differ
    // spare the index's deduplication of equal ones at every insert.
    `CREATE INDEX ${names.index("resource_longest_spans")} ON ${appointments} (resource_id, (resource_to - resource_from), resource_from) WHERE ${mayOccupyResourceSql()}`,
    // purgeExpired's holds, by expiry: only held rows, so it costs bookings nothing and never scans live ones.
    `CREATE INDEX ${names.index("holds_by_expiry")} ON ${appointments} (hold_expires_at) WHERE status = 'held'`,
    `DROP FUNCTION IF EXISTS ${names.writeFunction}(${WRITE_FUNCTION_V3_ARGUMENTS.join(", ")})`,
    writeFunctionStatement(names, LONGEST_SPANS_PREDICATE_V4),
  ];
}

/**
 * Step 5: the two indexes of resource spans get predicates of their own (see `resourceSpansPredicateSql`), so
 * that each can serve only its own queries: step 4 built both with one predicate, and on a table not yet
 * analysed the planner took either for the other's queries, reading every span of the resource at each
 * booking with one. The write function's probe states its index's term (same signature: replaced in place).
 */
function resourceSpanIndexesStatements(names: TableNames): string[] {
  const { appointments } = names;
  return [
    `DROP INDEX ${qualifiedIndex(names, "resource_spans")}`,
    `CREATE INDEX ${names.index("resource_spans")} ON ${appointments} (resource_id, resource_from) WHERE ${resourceSpansPredicateSql()}`,
    `DROP INDEX ${qualifiedIndex(names, "resource_longest_spans")}`,
    // The span start last: most spans are equally long, and keys that differ spare the index's deduplication
    // of equal ones at every insert.
    `CREATE INDEX ${names.index("resource_longest_spans")} ON ${appointments} (resource_id, (resource_to - resource_from), resource_from) WHERE ${longestSpansPredicateSql()}`,
    writeFunctionStatement(names),
  ];
}
