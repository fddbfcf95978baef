/**
 * The statements that shard the store's tables by user on Citus. Every key of the schema starts with
 * `user_id`, and every write touches one user, so the tables are distributed on `user_id`, co-located,
 * and the write function runs on the node that holds the user's rows.
 *
 * @module
 */
import type { PostgresSchemaOptions } from "./schema.js";
import { DEFAULT_TABLE_PREFIX, tableNames } from "./table-names.js";
import { writeFunctionSignature } from "./write-function.js";

/**
 * The Citus statements that distribute a migrated schema by user, to run once on the coordinator after
 * `migrate()` (or your tool's run of `postgresSchemaSql()`): the appointments table distributed on
 * `user_id`, the key and change tables co-located with it, and the write function delegated to the node of
 * its `p_user_id` argument. Only Citus's documented functions `create_distributed_table` and
 * `create_distributed_function` are used. The `migrations` table stays a local table of the coordinator.
 *
 * Resources: a write that claims a resource (or a choice of several) counts other users' appointments and
 * locks the resources on the node it runs on, so a write delegated to a user's worker does not keep a
 * resource's capacity across workers. When any write claims a resource, skip the last statement (the function's delegation) so that
 * every write runs on the coordinator; see "Resources and sharding" in `docs/scaling.md`.
 *
 * @example
 * ```ts
 * await store.migrate(); // on the coordinator
 * for (const statement of postgresDistributionSql()) await pool.query(statement);
 * ```
 */
export function postgresDistributionSql(options: PostgresSchemaOptions = {}): string[] {
  const names = tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX, options.schema);
  const literal = (text: string) => `'${text}'`;
  const colocated = `colocate_with => ${literal(names.appointments)}`;
  return [
    `SELECT create_distributed_table(${literal(names.appointments)}, 'user_id')`,
    `SELECT create_distributed_table(${literal(names.idempotencyKeys)}, 'user_id', ${colocated})`,
    `SELECT create_distributed_table(${literal(names.changes)}, 'user_id', ${colocated})`,
    `SELECT create_distributed_function(${literal(writeFunctionSignature(names))}, distribution_arg_name => 'p_user_id', ${colocated})`,
  ];
}
