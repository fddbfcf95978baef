/**
 * The store's schema as SQL for your own migration tool: the migration steps as plain statements, each
 * followed by the row that records it, so that `migrate()` later finds them applied.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";
import {
  DEFAULT_LEGACY_TIME_ZONE,
  legacyTimeZoneLiteral,
  MIGRATION_STEPS,
  migrationsTableStatement,
  recordStepStatement,
} from "./migrations.js";
import { DEFAULT_TABLE_PREFIX, tableNames } from "./table-names.js";

/** Where the store's objects are: options shared by the schema helpers and the store. */
export interface PostgresSchemaOptions {
  /**
   * Prefix of every table and function name: 1 to 40 characters of `a-z`, `0-9` and `_`. Default
   * `"scheduler_"` (table `scheduler_appointments`, function `scheduler_write_appointment`).
   */
  readonly tablePrefix?: string;
  /**
   * The PostgreSQL schema of every table and function (1 to 63 characters of `a-z`, `0-9` and `_`, not
   * `pg_…`), created by the migration when missing. Default: none, so names resolve through the
   * connection's `search_path`.
   */
  readonly schema?: string;
}

/** Options of {@link postgresSchemaStatements}. */
export interface PostgresSchemaSqlOptions extends PostgresSchemaOptions {
  /**
   * The time zone in which 0.1 booked the appointments of a database it created (0.1's scheduler default
   * was `"UTC"`): the migration to version 2 records their wall-clock times in it. Default `"UTC"`.
   */
  readonly legacyTimeZone?: string;
  /**
   * The version the database is at: only the later steps are returned. Default 0 (an empty database). A
   * database created with 0.1's `postgresSchemaSql()` is at version 1.
   */
  readonly fromVersion?: number;
}

/**
 * The statements that create the store's schema (or bring one at `fromVersion` up to date), in order: the
 * `migrations` table, then each step and the row recording it. Run them in your own migration tool, once,
 * in one transaction; or call {@link PostgresStore.migrate}, which runs the missing steps under a lock.
 * Step 1 (0.1's schema) is idempotent; step 2 converts it and is not, so run it once: `migrate()` and the
 * `migrations` table know which steps a database has.
 */
export function postgresSchemaStatements(options: PostgresSchemaSqlOptions = {}): string[] {
  const names = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX, options.schema);
  const legacyTimeZone = options.legacyTimeZone ?? DEFAULT_LEGACY_TIME_ZONE;
  legacyTimeZoneLiteral(legacyTimeZone);
  const fromVersion = options.fromVersion ?? 0;
  if (!Number.isInteger(fromVersion) || fromVersion < 0 || fromVersion > MIGRATION_STEPS.length) {
    throw new InvalidArgumentError(
      "options.fromVersion",
      `fromVersion must be an integer from 0 to ${MIGRATION_STEPS.length}, not ${String(fromVersion)}`,
    );
  }
  const statements: string[] = [];
  if (names.schema !== undefined) statements.push(`CREATE SCHEMA IF NOT EXISTS ${names.schema}`);
  statements.push(migrationsTableStatement(names));
  for (const step of MIGRATION_STEPS) {
    // The steps the database has are recorded too (0.1 kept no record), so that migrate() skips them.
    if (step.version > fromVersion) statements.push(...step.statements(names, { legacyTimeZone }));
    statements.push(recordStepStatement(names, step));
  }
  return statements;
}

/** {@link postgresSchemaStatements} as one SQL script. */
export function postgresSchemaSql(options: PostgresSchemaSqlOptions = {}): string {
  return `${postgresSchemaStatements(options).join(";\n\n")};\n`;
}
