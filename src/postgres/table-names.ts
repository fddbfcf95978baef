/**
 * The names of the store's table and function, all derived from one prefix so that several stores (or a
 * test per schema-less namespace) can share a database without clashing.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** The prefix used when none is given: table `scheduler_appointments`, function `scheduler_insert_appointment`. */
export const DEFAULT_TABLE_PREFIX = "scheduler_";

/** The store's database objects. Each is a plain lower-case identifier, safe to splice into SQL. */
export interface TableNames {
  /** One row per appointment. */
  readonly appointments: string;
  /** The booking function: the limit check and the write in one statement, so one round trip. */
  readonly insertFunction: string;
}

// Lower case, digits and underscores: no quoting needed, and the longest name stays within PostgreSQL's 63
// bytes. Validated rather than quoted because the prefix ends up inside dynamic SQL in the migration.
const PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,39}$/;

/** The names for `tablePrefix`, or an `InvalidArgumentError` for a prefix that is not a plain identifier. */
export function tableNames(tablePrefix: unknown = DEFAULT_TABLE_PREFIX): TableNames {
  if (typeof tablePrefix !== "string" || !PREFIX_PATTERN.test(tablePrefix)) {
    throw new InvalidArgumentError(
      "options.tablePrefix",
      "tablePrefix must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit",
    );
  }
  return {
    appointments: `${tablePrefix}appointments`,
    insertFunction: `${tablePrefix}insert_appointment`,
  };
}
