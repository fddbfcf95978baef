/**
 * `appointment-scheduler/sqlite`: the SQLite store, for better-sqlite3 or Node.js's own `node:sqlite`. This
 * entry loads neither driver: pass an open database of the one you use.
 *
 * @module
 */
export type {
  BetterSqlite3Database,
  NodeSqliteDatabase,
  SqliteDatabase,
  SqliteDriverName,
  SqliteStatement,
} from "./driver-adapter.js";
export { type SqliteSchemaSqlOptions, sqliteSchemaSql, sqliteSchemaStatements } from "./migrations.js";
export { DEFAULT_BUSY_TIMEOUT_MS, type SqliteSynchronous } from "./pragmas.js";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
export { DEFAULT_TABLE_PREFIX } from "./table-names.js";
