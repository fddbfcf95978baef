/**
 * The names of the SQLite store's tables and indexes, all derived from one prefix, so that several stores (or
 * a test per prefix) can share a database file without clashing.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** The prefix used when none is given: tables `scheduler_appointments`, `scheduler_changes`, …. */
export const DEFAULT_TABLE_PREFIX = "scheduler_";

/** The store's tables and indexes: plain lower-case identifiers, safe to splice into SQL. */
export interface TableNames {
  /** The prefix of every name. */
  readonly prefix: string;
  /** One row per appointment, booked or cancelled; its row is also the event of its current version. */
  readonly appointments: string;
  /** The feed's earlier events: one row per version of an appointment that has changed since. */
  readonly changes: string;
  /** One row per idempotency key of a user, with the outcome of its write. */
  readonly idempotencyKeys: string;
  /** One row: the largest feed position a deleted row may have held, never handed out again. */
  readonly positions: string;
  /** The migration steps applied, one row each. */
  readonly migrations: string;
  /** The name of an index: the prefix and `suffix`. */
  index(suffix: string): string;
}

// Lower case, digits and underscores: no quoting needed. SQLite keeps names that start with `sqlite_` for
// itself.
const PREFIX_PATTERN = /^(?!sqlite_)[a-z_][a-z0-9_]{0,39}$/;

/** The names for `tablePrefix`, or an `InvalidArgumentError` for a prefix that is not a plain identifier. */
export function tableNames(tablePrefix: unknown = DEFAULT_TABLE_PREFIX): TableNames {
  if (typeof tablePrefix !== "string" || !PREFIX_PATTERN.test(tablePrefix)) {
    throw new InvalidArgumentError(
      "options.tablePrefix",
      "tablePrefix must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit or sqlite_",
    );
  }
  return {
    prefix: tablePrefix,
    appointments: `${tablePrefix}appointments`,
    changes: `${tablePrefix}changes`,
    idempotencyKeys: `${tablePrefix}idempotency_keys`,
    positions: `${tablePrefix}positions`,
    migrations: `${tablePrefix}migrations`,
    index: (suffix) => `${tablePrefix}${suffix}`,
  };
}
