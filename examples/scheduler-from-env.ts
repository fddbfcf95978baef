/**
 * What the example servers share besides their routing: the scheduler they serve, built from the
 * environment, and running a server from the command line (`PORT`, `HOST`, a clean stop on SIGINT/SIGTERM).
 */
import { once } from "node:events";
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { createScheduler, type Scheduler } from "appointment-scheduler";
import type { AppointmentsHttpOptions } from "appointment-scheduler/http";
import { lockDataDir } from "./data-dir-lock.js";

/** How every example's `start…Server` function is called. Tests inject their own scheduler and port 0. */
export interface ServerOptions {
  readonly scheduler: Scheduler;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Deadline, body limit, error reporting: see `createAppointmentsHttpApi`. */
  readonly http?: AppointmentsHttpOptions;
}

/** A listening server: where it is, and how to stop it (in-flight requests are answered first). */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A scheduler built from the environment, what it stores appointments in, and how to release that. */
export interface SchedulerFromEnv {
  readonly scheduler: Scheduler;
  /** For the start-up line: `PostgreSQL (DATABASE_URL)` or `PGlite in .data`. */
  readonly storage: string;
  close(): Promise<void>;
}

/**
 * The scheduler the examples serve, on a store that outlives the process:
 * - `DATABASE_URL` set: a PostgreSQL server, through a `pg` pool (how several instances share one database);
 * - otherwise the embedded store `STORE` in the directory `DATA_DIR` (default `.data`):
 *   - `sqlite` (the default): the file `appointments.sqlite`, through better-sqlite3. Fast, small, and safe
 *     to share: several processes on one directory book correctly together (SQLite's write lock);
 *   - `pglite`: PostgreSQL embedded in the process (PGlite), after locking the directory, so that a second
 *     process on it stops at start instead of damaging it (see data-dir-lock.ts).
 *
 * `TABLE_PREFIX` chooses the store's table names (default `scheduler_`). The schema is created or updated at
 * start; that is safe when several instances start at once. `DATABASE_MIGRATE=false` skips that, for a
 * server whose schema is managed elsewhere: one connected to a Citus worker, whose migrations run on the
 * coordinator only (see docs/scaling.md).
 */
export async function schedulerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SchedulerFromEnv> {
  const options = env.TABLE_PREFIX ? { tablePrefix: env.TABLE_PREFIX } : {};
  if (env.DATABASE_URL) {
    // Each store's driver is loaded only when chosen: a server holds in memory only the one it uses.
    const [{ default: pg }, { PostgresStore }] = await Promise.all([
      import("pg"),
      import("appointment-scheduler/postgres"),
    ]);
    const pool = new pg.Pool({
      connectionString: env.DATABASE_URL,
      // Bounds every statement on the server, so that a booking stuck behind a lock ends, and a statement
      // the server cancelled is known not to have committed (408 TIMED_OUT). A booking still running at the
      // request's deadline is answered 504 OUTCOME_UNKNOWN; the client retries with its Idempotency-Key.
      statement_timeout: 5_000,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection that the server drops (a restart) must not crash the process: the pool replaces it.
    pool.on("error", (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
    const store = new PostgresStore(pool, { ...options, preparedStatements: true });
    try {
      if (migrateFromEnv(env.DATABASE_MIGRATE)) await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { scheduler: createScheduler({ store }), storage: "PostgreSQL (DATABASE_URL)", close: () => pool.end() };
  }
  const dataDir = env.DATA_DIR || ".data";
  switch (embeddedStoreFromEnv(env.STORE)) {
    case "sqlite":
      return openSqlite(dataDir, options, env.STORE === undefined || env.STORE === "");
    case "pglite":
      return openPglite(dataDir, options);
  }
}

/** The stores that keep appointments in `DATA_DIR`, by the value of `STORE`. */
export type EmbeddedStoreKind = "sqlite" | "pglite";

/** `STORE`: the embedded store, default `sqlite`. */
function embeddedStoreFromEnv(value: string | undefined): EmbeddedStoreKind {
  if (value === undefined || value === "" || value === "sqlite") return "sqlite";
  if (value === "pglite") return "pglite";
  throw new Error(`STORE must be sqlite or pglite, not "${value}"`);
}

/** The SQLite file of `DATA_DIR`. */
export const SQLITE_FILE_NAME = "appointments.sqlite";

/**
 * SQLite in `dataDir/appointments.sqlite`. No lock: every process on the file books through SQLite's own
 * write lock, so servers sharing the directory stay correct. A directory that holds an earlier default's
 * PGlite database and no SQLite file is refused when `STORE` was not chosen: its appointments would look gone.
 */
async function openSqlite(
  dataDir: string,
  options: { tablePrefix?: string },
  byDefault: boolean,
): Promise<SchedulerFromEnv> {
  const file = join(dataDir, SQLITE_FILE_NAME);
  if (byDefault && !existsSync(file) && existsSync(join(dataDir, "PG_VERSION"))) {
    throw new Error(
      `${dataDir} holds a PGlite database (the default before SQLite): start with STORE=pglite to keep serving it, or choose another DATA_DIR`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const [{ default: Database }, { SqliteStore }] = await Promise.all([
    import("better-sqlite3"),
    import("appointment-scheduler/sqlite"),
  ]);
  const db = new Database(file);
  const close = async () => {
    db.close();
  };
  try {
    const store = new SqliteStore(db, options);
    await store.migrate();
    return { scheduler: createScheduler({ store }), storage: `SQLite in ${file}`, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** PGlite in `dataDir`, which this process locks first: PGlite is one process's database. */
async function openPglite(dataDir: string, options: { tablePrefix?: string }): Promise<SchedulerFromEnv> {
  const lock = await lockDataDir(dataDir, {
    onStaleLock: (holder, reason) =>
      console.log(`Took over the lock on ${dataDir} left by pid ${holder.pid} (${holder.command}): ${reason}`),
  });
  let db: PGlite;
  let PostgresStore: typeof import("appointment-scheduler/postgres").PostgresStore;
  try {
    const [pglite, postgres] = await Promise.all([
      import("@electric-sql/pglite"),
      import("appointment-scheduler/postgres"),
    ]);
    PostgresStore = postgres.PostgresStore;
    db = await pglite.PGlite.create(dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const close = async () => {
    try {
      await db.close();
    } finally {
      lock.release();
    }
  };
  const store = new PostgresStore(db, options);
  try {
    await store.migrate();
  } catch (error) {
    await close();
    throw error;
  }
  return { scheduler: createScheduler({ store }), storage: `PGlite in ${dataDir}`, close };
}

/** Whether to migrate the PostgreSQL server's schema at start: `DATABASE_MIGRATE`, default `true`. */
function migrateFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true") return true;
  if (value === "false") return false;
  throw new Error(`DATABASE_MIGRATE must be true or false, not "${value}"`);
}

/** Starts `server` on `port` and `host` and resolves once it listens. */
export async function listen(server: Server, { port = 0, host = "127.0.0.1" }: ServerOptions): Promise<RunningServer> {
  server.listen(port, host);
  await once(server, "listening");
  const { port: actualPort } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        // In-flight requests end within their deadline; a connection still open well after that is cut.
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      return closing;
    },
  };
}

/**
 * When `moduleUrl` is the program being run (`npx tsx examples/express.ts`, `npm start`), serves the API on
 * `PORT` (default 5000, as the seed) and `HOST` (default `localhost`) until SIGINT or SIGTERM, then stops
 * the server and the store and exits with code 0. Does nothing when the module is imported (by the tests).
 */
export async function runIfMain(moduleUrl: string, start: (options: ServerOptions) => Promise<RunningServer>) {
  if (!isMainModule(moduleUrl)) return;
  const port = portFromEnv(process.env.PORT);
  const host = process.env.HOST || "localhost";
  let store: SchedulerFromEnv;
  try {
    store = await schedulerFromEnv();
  } catch (error) {
    console.error(`Could not open the appointment store: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  let server: RunningServer;
  try {
    server = await start({ scheduler: store.scheduler, port, host });
  } catch (error) {
    await store.close();
    console.error(`Could not start on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return;
  }
  const stop = async (signal: NodeJS.Signals) => {
    console.log(`${signal} received: finishing requests in flight, then stopping`);
    await server.close();
    await store.close();
    console.log("Stopped");
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
  // Announced once the handlers are in place: a signal right after the line still stops the server cleanly.
  console.log(`Appointments API listening on ${server.url} (Ctrl+C to stop), appointments in ${store.storage}`);
}

/** True when the module at `moduleUrl` is the script Node.js (or tsx) was started with. */
function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 5000;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535) throw new Error(`PORT must be a number from 0 to 65535, not "${value}"`);
  return port;
}
