/**
 * The names of the store's database objects, all derived from an optional PostgreSQL schema and a prefix, so
 * that several stores (or a test per prefix) can share a database without clashing.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** The prefix used when none is given: table `scheduler_appointments`, function `scheduler_write_appointment`. */
export const DEFAULT_TABLE_PREFIX = "scheduler_";

/**
 * The store's database objects. Tables and functions are schema-qualified when a schema is given; every name
 * is a plain lower-case identifier, safe to splice into SQL.
 */
export interface TableNames {
  /** The schema, or `undefined` for the connection's `search_path`. */
  readonly schema: string | undefined;
  /** The prefix of every name. */
  readonly prefix: string;
  /** One row per appointment (booked, cancelled, held or released). */
  readonly appointments: string;
  /** One row per idempotency key of a user, with the outcome of its write. */
  readonly idempotencyKeys: string;
  /** The event feed's earlier versions: one row per change whose appointment has changed again since. */
  readonly changes: string;
  /**
   * The sequence of event ids, the `changes` table's identity: an appointment's current version takes its
   * id from it too.
   */
  readonly changeIds: string;
  /** The migration steps applied, one row each. */
  readonly migrations: string;
  /** The write function: every check and the change in one statement, so one round trip. */
  readonly writeFunction: string;
  /** 0.1's booking function, which migration step 2 drops. */
  readonly legacyInsertFunction: string;
  /**
   * What the locks of this store are keyed by (`hashtext` of it): the qualified appointments table, as in
   * 0.1, so that a 0.1 process and this one take the same locks.
   */
  readonly lockKey: string;
  /** The unqualified name of an index (an index always lives in its table's schema). */
  index(suffix: string): string;
}

// Lower case, digits and underscores: no quoting needed, and the longest name (prefix plus
// `idempotency_keys_expiry`) stays within PostgreSQL's 63 bytes. Validated rather than quoted because the
// names end up inside dynamic SQL in the migration.
const PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,39}$/;
// A schema name alone: up to 63 bytes; `pg_` is reserved for the system's schemas.
const SCHEMA_PATTERN = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;

/**
 * The names for `tablePrefix` in `schema`, or an `InvalidArgumentError` for a prefix or schema that is not a
 * plain identifier.
 */
export function tableNames(tablePrefix: unknown = DEFAULT_TABLE_PREFIX, schema: unknown = undefined): TableNames {
  if (typeof tablePrefix !== "string" || !PREFIX_PATTERN.test(tablePrefix)) {
    throw new InvalidArgumentError(
      "options.tablePrefix",
      "tablePrefix must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit",
    );
  }
  if (schema !== undefined && (typeof schema !== "string" || !SCHEMA_PATTERN.test(schema))) {
    throw new InvalidArgumentError(
      "options.schema",
      "schema must be 1 to 63 characters of a-z, 0-9 and _, not starting with a digit or pg_",
    );
  }
  const qualified = (name: string) =>
    schema === undefined ? `${tablePrefix}${name}` : `${schema}.${tablePrefix}${name}`;
  return {
    schema,
    prefix: tablePrefix,
    appointments: qualified("appointments"),
    idempotencyKeys: qualified("idempotency_keys"),
    changes: qualified("changes"),
    changeIds: qualified("changes_id_seq"),
    migrations: qualified("migrations"),
    writeFunction: qualified("write_appointment"),
    legacyInsertFunction: qualified("insert_appointment"),
    lockKey: qualified("appointments"),
    index: (suffix) => `${tablePrefix}${suffix}`,
  };
}
