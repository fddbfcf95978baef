/**
 * `appointment-scheduler/postgres`: the PostgreSQL store, for node-postgres (`pg`) or PGlite.
 *
 * @module
 */
export { postgresDistributionSql } from "./distribution.js";
export { type PostgresMigrateOptions, PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
export type { PostgresQueryable } from "./queryable.js";
export {
  type PostgresSchemaOptions,
  type PostgresSchemaSqlOptions,
  postgresSchemaSql,
  postgresSchemaStatements,
} from "./schema.js";
export { DEFAULT_TABLE_PREFIX } from "./table-names.js";
