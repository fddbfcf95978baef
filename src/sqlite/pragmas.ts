/**
 * The settings the SQLite store applies to its connection when it is created: write-ahead logging, the
 * durability of a commit, and how long a write waits for another connection's write lock.
 *
 * @module
 */
import { InvalidArgumentError, StoreUnavailableError } from "../errors/scheduler-errors.js";
import type { SqliteConnection } from "./driver-adapter.js";
import { sqlitePrimaryCode } from "./driver-errors.js";

/**
 * How a commit reaches the disk (`PRAGMA synchronous`), in WAL mode:
 *
 * - `"FULL"` (the default): each commit is synced to the disk before the write resolves. A committed write
 *   survives a power loss or an operating system crash.
 * - `"NORMAL"`: the write-ahead log is synced only at checkpoints. A process crash still loses nothing (the
 *   log is in the operating system's hands), and the database never gets corrupted; but a power loss or an
 *   operating system crash may lose the last writes that resolved. Several times as many writes per second.
 */
export type SqliteSynchronous = "FULL" | "NORMAL";

/** The connection's settings, checked. */
export interface ConnectionSettings {
  readonly synchronous: SqliteSynchronous;
  readonly busyTimeoutMs: number;
}

/** The default of `busyTimeoutMs`: how long a write waits for another connection's write lock. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** `PRAGMA synchronous` answers these numbers. */
const SYNCHRONOUS_LEVELS: Readonly<Record<SqliteSynchronous, number>> = { NORMAL: 1, FULL: 2 };

/** The settings of `options`, or an `InvalidArgumentError`. */
export function connectionSettings(options: {
  readonly synchronous?: unknown;
  readonly busyTimeoutMs?: unknown;
}): ConnectionSettings {
  const synchronous = options.synchronous ?? "FULL";
  if (synchronous !== "FULL" && synchronous !== "NORMAL") {
    throw new InvalidArgumentError("options.synchronous", 'synchronous must be "FULL" or "NORMAL"');
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (
    !Number.isSafeInteger(busyTimeoutMs) ||
    (busyTimeoutMs as number) < 0 ||
    (busyTimeoutMs as number) > 2 ** 31 - 1
  ) {
    throw new InvalidArgumentError(
      "options.busyTimeoutMs",
      "busyTimeoutMs must be a whole number of milliseconds from 0 to 2147483647",
    );
  }
  return { synchronous, busyTimeoutMs: busyTimeoutMs as number };
}

/**
 * Applies `settings` to the connection, in this order:
 *
 * 1. `PRAGMA busy_timeout`: how long a statement waits for another connection's lock.
 * 2. `PRAGMA journal_mode = WAL`, kept in the file: readers never wait for the writer, nor it for them, and
 *    a commit appends to the log (see {@link switchToWal}). An in-memory database answers `memory` (it has
 *    one connection), which is accepted; any other answer is an `InvalidArgumentError` (argument `db`).
 * 3. `PRAGMA synchronous`, per connection. `"FULL"` on a database file is set as `NORMAL`, and the answer names the
 *    file: the store then syncs its log itself before it answers, off the event loop (see `log-sync.ts`),
 *    which is as durable as `FULL` and does not stop the process at every commit.
 *
 * The store uses no foreign keys, so `PRAGMA foreign_keys` is left as it is.
 */
export function applyConnectionSettings(
  connection: SqliteConnection,
  settings: ConnectionSettings,
): { readonly logToSync: string | null } {
  connection.exec(`PRAGMA busy_timeout = ${settings.busyTimeoutMs}`);
  const mode = switchToWal(connection, settings.busyTimeoutMs);
  if (mode !== "wal" && mode !== "memory") {
    throw new InvalidArgumentError(
      "db",
      `the SQLite database must be able to use write-ahead logging: PRAGMA journal_mode = WAL answered ${String(mode)}`,
    );
  }
  // FULL on a file: the connection commits at NORMAL and the store syncs the log itself (see log-sync.ts).
  const file = mode === "wal" ? mainDatabaseFile(connection) : "";
  const logToSync = settings.synchronous === "FULL" && file !== "" ? file : null;
  const level = logToSync === null ? settings.synchronous : "NORMAL";
  connection.exec(`PRAGMA synchronous = ${level}`);
  const synchronous = pragmaValue(connection, "synchronous");
  if (synchronous !== SYNCHRONOUS_LEVELS[level]) {
    throw new StoreUnavailableError(`PRAGMA synchronous = ${level} did not apply (${String(synchronous)})`);
  }
  return { logToSync };
}

/** The path of the connection's main database file; `""` for an in-memory or temporary database. */
function mainDatabaseFile(connection: SqliteConnection): string {
  const rows = connection.prepare("PRAGMA database_list").all() as { name?: unknown; file?: unknown }[];
  const file = rows.find((row) => row.name === "main")?.file;
  return typeof file === "string" ? file : "";
}

/**
 * `PRAGMA journal_mode = WAL`, and its answer. Switching a file to WAL takes an exclusive lock, and when two
 * connections switch a new file at once, SQLite answers `SQLITE_BUSY` to one of them at once, without
 * waiting (waiting could deadlock them): that one tries again, after a short pause, for up to
 * `busyTimeoutMs`, and then finds the file in WAL mode.
 */
function switchToWal(connection: SqliteConnection, busyTimeoutMs: number): unknown {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, 50)) {
    try {
      return pragmaValue(connection, "journal_mode = WAL");
    } catch (error) {
      if (sqlitePrimaryCode(error) !== "SQLITE_BUSY" || Date.now() >= deadline) throw error;
      // The constructor is synchronous, as the driver is: a pause of this thread.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
    }
  }
}

/** The one value a PRAGMA answers (its first column), or `undefined`. */
export function pragmaValue(connection: SqliteConnection, pragma: string): unknown {
  const row = connection.prepare(`PRAGMA ${pragma}`).get() as Record<string, unknown> | undefined;
  return row === undefined ? undefined : Object.values(row)[0];
}
