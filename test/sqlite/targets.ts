/**
 * The SQLite databases the store is tested on: a file of better-sqlite3, and of `node:sqlite` when this
 * Node.js has it (22.13 or later, or 22.5 and later with `--experimental-sqlite`); a driver that cannot load
 * here is skipped, and its tests' names say why. Each opened store gets a database file of its own in a
 * fresh temporary directory, removed again on close.
 *
 * Both drivers are loaded with `require` when a test opens a database, not imported: so that this folder's
 * tests also run on a Node.js for which better-sqlite3's native module was not built (to run the kit on
 * `node:sqlite`, see docs/sqlite.md), the better-sqlite3 ones skipped there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SqliteDatabase, SqliteStore, type SqliteStoreOptions } from "../../src/sqlite/index.js";

const require = createRequire(import.meta.url);

/** A database constructor of either driver, as the tests call it. */
type DatabaseConstructor = new (path: string) => SqliteDatabase & { close(): void };

/** Why the `node:sqlite` tests are skipped on this Node.js, or `undefined` when they run. */
export const NODE_SQLITE_MISSING = missing(
  () => require("node:sqlite"),
  () =>
    `needs node:sqlite: Node.js 22.13 or later, or 22.5 and later with --experimental-sqlite (this is ${process.version})`,
);

/** Why the better-sqlite3 tests are skipped on this Node.js, or `undefined` when they run. */
export const BETTER_SQLITE3_MISSING = missing(
  () => new (require("better-sqlite3") as DatabaseConstructor)(":memory:").close(),
  (error) =>
    `needs better-sqlite3 built for this Node.js (${process.version}; npm rebuild better-sqlite3): ${String((error as Error).message).split("\n")[0]}`,
);

function missing(load: () => unknown, reason: (error: unknown) => string): string | undefined {
  try {
    load();
    return undefined;
  } catch (error) {
    return reason(error);
  }
}

/** A fresh temporary directory, and how to remove it. */
export function temporaryDirectory(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "appointment-scheduler-sqlite-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SqliteTarget {
  /** For test names; a target that is not available names what it needs. */
  readonly name: string;
  readonly available: boolean;
  /** Opens a database file of this driver. */
  openDatabase(file: string): SqliteDatabase & { close(): void };
}

export const betterSqlite3Target: SqliteTarget = {
  name: BETTER_SQLITE3_MISSING ? `better-sqlite3 (${BETTER_SQLITE3_MISSING})` : "better-sqlite3",
  available: BETTER_SQLITE3_MISSING === undefined,
  openDatabase(file) {
    const Database = require("better-sqlite3") as DatabaseConstructor;
    return new Database(file);
  },
};

export const nodeSqliteTarget: SqliteTarget = {
  name: NODE_SQLITE_MISSING ? `node:sqlite (${NODE_SQLITE_MISSING})` : "node:sqlite",
  available: NODE_SQLITE_MISSING === undefined,
  openDatabase(file) {
    const { DatabaseSync } = require("node:sqlite") as { DatabaseSync: DatabaseConstructor };
    return new DatabaseSync(file);
  },
};

export const sqliteTargets = [betterSqlite3Target, nodeSqliteTarget];

/** A migrated store on a fresh database file of `target`, and how to close and remove it. */
export interface OpenedStore {
  readonly store: SqliteStore;
  readonly db: SqliteDatabase & { close(): void };
  readonly file: string;
  close(): Promise<void>;
}

export async function openStore(target: SqliteTarget, options: SqliteStoreOptions = {}): Promise<OpenedStore> {
  const { dir, remove } = temporaryDirectory();
  const file = join(dir, "appointments.db");
  let db: (SqliteDatabase & { close(): void }) | undefined;
  let store: SqliteStore;
  try {
    db = target.openDatabase(file);
    store = new SqliteStore(db, options);
    await store.migrate();
  } catch (error) {
    db?.close();
    remove();
    throw error;
  }
  return {
    store,
    db,
    file,
    close: async () => {
      db.close();
      remove();
    },
  };
}
