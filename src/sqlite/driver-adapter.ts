/**
 * The two SQLite drivers the store runs on, behind one small interface: better-sqlite3's `Database` and
 * Node.js's own `DatabaseSync` (`node:sqlite`). Both prepare statements that `run`, `get` and `all` with
 * positional parameters; they differ in how a database says whether it is open or in a transaction, and
 * in their errors (see `driver-errors.ts`). The store is given an open database and tells the drivers apart
 * by their shape: this module never loads either of them.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** A prepared statement, as both drivers have it: positional `?` parameters, rows as objects. */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** better-sqlite3's `Database` (version 12), as far as the store uses it. */
export interface BetterSqlite3Database {
  prepare(source: string): SqliteStatement;
  exec(source: string): unknown;
  pragma(source: string, options?: { simple?: boolean | undefined }): unknown;
  /** Whether the connection is open: a property here, where `node:sqlite` has a method of this name. */
  readonly open: boolean;
  readonly inTransaction: boolean;
}

/** Node.js's `DatabaseSync` (`node:sqlite`, Node.js 22.5 or later), as far as the store uses it. */
export interface NodeSqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** Opens a database made with `{ open: false }`: a method here, where better-sqlite3 has a property. */
  open(): void;
  close(): void;
}

/** An open SQLite database of either driver: what `new SqliteStore(db)` takes. */
export type SqliteDatabase = BetterSqlite3Database | NodeSqliteDatabase;

/** Which driver a database belongs to. */
export type SqliteDriverName = "better-sqlite3" | "node:sqlite";

/** A database of either driver, as the store uses it. */
export interface SqliteConnection {
  readonly driver: SqliteDriverName;
  /** A statement whose integers are read as numbers, whatever the database's default. */
  prepare(sql: string): SqliteStatement;
  /** Runs statements, ignoring any rows they answer (PRAGMA settings, DDL). */
  exec(sql: string): void;
  /** `false` when the database is known to be closed; `true` when open, or when the driver cannot tell. */
  isOpen(): boolean;
  /** Whether a transaction is open, or `undefined` when the driver cannot tell (`node:sqlite` before 22.16). */
  inTransaction(): boolean | undefined;
}

/** The number of rows a `run()` changed: both drivers answer `{ changes }` (a bigint when reading bigints). */
export function changesOf(result: unknown): number {
  return Number((result as { changes?: number | bigint } | undefined)?.changes ?? 0);
}

/**
 * The connection of `db`, by its shape: better-sqlite3's `Database` has a `pragma` method and an `open`
 * property; `node:sqlite`'s `DatabaseSync` has an `open` method and no `pragma`. Anything else is an
 * `InvalidArgumentError` (argument `db`).
 */
export function connectionOf(db: unknown): SqliteConnection {
  const candidate = db as Partial<Record<string, unknown>> | null;
  if (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.prepare === "function" &&
    typeof candidate.exec === "function"
  ) {
    if (typeof candidate.pragma === "function" && typeof candidate.open === "boolean") {
      return betterSqlite3Connection(db as BetterSqlite3Database);
    }
    if (typeof candidate.open === "function" && candidate.pragma === undefined) {
      return nodeSqliteConnection(db as NodeSqliteDatabase & { readonly isOpen?: unknown; isTransaction?: unknown });
    }
  }
  throw new InvalidArgumentError(
    "db",
    "db must be an open database of better-sqlite3 (new Database(file)) or of node:sqlite (new DatabaseSync(file))",
  );
}

function betterSqlite3Connection(db: BetterSqlite3Database): SqliteConnection {
  return {
    driver: "better-sqlite3",
    prepare(sql) {
      const statement = db.prepare(sql) as SqliteStatement & { safeIntegers?(on: boolean): unknown };
      // `db.defaultSafeIntegers(true)` would read integers as bigints; the store's are safe integers.
      statement.safeIntegers?.(false);
      return statement;
    },
    exec(sql) {
      db.exec(sql);
    },
    isOpen: () => db.open,
    inTransaction: () => db.inTransaction,
  };
}

function nodeSqliteConnection(
  db: NodeSqliteDatabase & { readonly isOpen?: unknown; readonly isTransaction?: unknown },
): SqliteConnection {
  return {
    driver: "node:sqlite",
    prepare(sql) {
      const statement = db.prepare(sql) as SqliteStatement & { setReadBigInts?(on: boolean): void };
      // `new DatabaseSync(file, { readBigInts: true })` would read integers as bigints.
      statement.setReadBigInts?.(false);
      return statement;
    },
    exec(sql) {
      db.exec(sql);
    },
    // `isOpen` and `isTransaction` came with later releases of the 22 line; before, the errors tell.
    isOpen: () => db.isOpen !== false,
    inTransaction: () => (typeof db.isTransaction === "boolean" ? db.isTransaction : undefined),
  };
}
