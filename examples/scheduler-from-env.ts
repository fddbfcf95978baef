/**
 * What the example servers share besides their routing: the scheduler they serve, built from the
 * environment, and running a server from the command line (`PORT`, `HOST`, a clean stop on SIGINT/SIGTERM).
 */
import { once } from "node:events";
import { existsSync, mkdirSync, realpathSync, statSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { type AddressInfo, isIP, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { createScheduler, type Scheduler } from "appointment-scheduler";
import {
  type AppointmentsHttpOptions,
  answerClientError,
  answerConnect,
  createCalendarFeedTokens,
  originForm,
} from "appointment-scheduler/http";
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
 *
 * Every setting is checked before anything is opened: a bad one rejects with an {@link InvalidSettingError}.
 */
export async function schedulerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SchedulerFromEnv> {
  return openStore(storeSettingsFromEnv(env));
}

/** A setting of the environment that cannot be right. Its message names the setting and what it must be. */
export class InvalidSettingError extends Error {
  override readonly name = "InvalidSettingError";
  constructor(
    /** The environment variable: `PORT`. */
    readonly setting: string,
    message: string,
  ) {
    super(message);
  }
}

/** `"<setting> must be <what>, not <value>"`, the value quoted as JSON so that the message stays one line. */
function invalid(setting: string, what: string, value: string): InvalidSettingError {
  return new InvalidSettingError(setting, `${setting} must be ${what}, not ${JSON.stringify(value)}`);
}

/** The stores that keep appointments in `DATA_DIR`, by the value of `STORE`. */
export type EmbeddedStoreKind = "sqlite" | "pglite";

/** Where the appointments go, as the environment says, checked. */
type StoreSettings = { readonly tablePrefix: string | undefined } & (
  | { readonly kind: "postgres"; readonly url: string; readonly migrate: boolean }
  | {
      readonly kind: EmbeddedStoreKind;
      readonly dataDir: string;
      /** `STORE` was not set: SQLite by default. */
      readonly byDefault: boolean;
    }
);

/**
 * The store settings of `env`, or an {@link InvalidSettingError} for the first that cannot be right. `STORE`
 * and `DATABASE_MIGRATE` are checked also where they do not apply (a mistyped one is a mistake anyway); an
 * empty value is the default, as an unset one.
 */
function storeSettingsFromEnv(env: NodeJS.ProcessEnv): StoreSettings {
  const embedded = embeddedStoreFromEnv(env.STORE);
  const migrate = migrateFromEnv(env.DATABASE_MIGRATE);
  if (env.DATABASE_URL) {
    return {
      kind: "postgres",
      url: env.DATABASE_URL,
      migrate,
      tablePrefix: tablePrefixFromEnv(env.TABLE_PREFIX, "postgres"),
    };
  }
  return {
    kind: embedded,
    dataDir: dataDirFromEnv(env.DATA_DIR),
    byDefault: env.STORE === undefined || env.STORE === "",
    tablePrefix: tablePrefixFromEnv(env.TABLE_PREFIX, embedded),
  };
}

/** `STORE`: the embedded store, default `sqlite`. */
function embeddedStoreFromEnv(value: string | undefined): EmbeddedStoreKind {
  if (value === undefined || value === "" || value === "sqlite") return "sqlite";
  if (value === "pglite") return "pglite";
  throw invalid("STORE", "sqlite or pglite", value);
}

/** Whether to migrate the PostgreSQL server's schema at start: `DATABASE_MIGRATE`, default `true`. */
function migrateFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true") return true;
  if (value === "false") return false;
  throw invalid("DATABASE_MIGRATE", "true or false", value);
}

/**
 * `TABLE_PREFIX`, as the store of `kind` accepts it (`SqliteStore` and `PostgresStore` check it the same way
 * when they are created, after the database is open), or `undefined` for the store's default.
 */
function tablePrefixFromEnv(value: string | undefined, kind: "postgres" | EmbeddedStoreKind): string | undefined {
  if (value === undefined || value === "") return undefined;
  // SQLite keeps names that start with `sqlite_` for itself.
  if (kind === "sqlite" ? !/^(?!sqlite_)[a-z_][a-z0-9_]{0,39}$/.test(value) : !/^[a-z_][a-z0-9_]{0,39}$/.test(value)) {
    const rule = "1 to 40 characters of a-z, 0-9 and _, not starting with a digit";
    throw invalid("TABLE_PREFIX", kind === "sqlite" ? `${rule} or sqlite_` : rule, value);
  }
  return value;
}

/** `DATA_DIR`, default `.data`: a directory, or nothing yet (it is created at start). */
function dataDirFromEnv(value: string | undefined): string {
  const dataDir = value || ".data";
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataDir, { throwIfNoEntry: false })?.isDirectory() ?? true;
  } catch (error) {
    // ENOTDIR: a file on the way to it. Any other failure (no permission) is for the opening to report.
    isDirectory = (error as NodeJS.ErrnoException).code !== "ENOTDIR";
  }
  if (!isDirectory) throw invalid("DATA_DIR", "a directory", dataDir);
  return dataDir;
}

/** `PORT`: the port to listen on, default 5000 (as the seed); 0 for any free port. */
function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === "") return 5000;
  const port = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || port > 65535) throw invalid("PORT", "an integer from 0 to 65535", value);
  return port;
}

/** A host name: dot-separated labels of letters, digits, `-` (and `_`, as container names have). */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

/** `HOST`: the host name or IP address to listen on, default `localhost`. */
/**
 * `AUTH_JWT_SECRET`: when set, the API takes HS256 bearer tokens signed with it (see jwt-auth.ts), and the
 * calendar feed URLs carry tokens signed with it too (`GET /api/appointments/:userId/calendar-link` gives a
 * user theirs; a new secret revokes them all). Unset or empty, the API is open, as the seed's was.
 */
async function httpFromEnv(secret: string | undefined): Promise<AppointmentsHttpOptions> {
  if (secret === undefined || secret === "") return {};
  // Loaded only here: an open server neither needs `jose` nor spends its start loading it.
  const { jwtAuthenticate, MIN_SECRET_LENGTH } = await import("./jwt-auth.js");
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new InvalidSettingError(
      "AUTH_JWT_SECRET",
      `AUTH_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (it has ${secret.length})`,
    );
  }
  return { authenticate: jwtAuthenticate(secret), calendar: { tokens: createCalendarFeedTokens({ secret }) } };
}

function hostFromEnv(value: string | undefined): string {
  if (value === undefined || value === "") return "localhost";
  if (isIP(value) === 0 && !HOST_NAME.test(value)) {
    throw invalid("HOST", "a host name or an IP address (without brackets or port)", value);
  }
  return value;
}

/** Opens the store of `settings`. */
async function openStore(settings: StoreSettings): Promise<SchedulerFromEnv> {
  const options = settings.tablePrefix === undefined ? {} : { tablePrefix: settings.tablePrefix };
  switch (settings.kind) {
    case "postgres":
      return openPostgres(settings.url, options, settings.migrate);
    case "sqlite":
      return openSqlite(settings.dataDir, options, settings.byDefault);
    case "pglite":
      return openPglite(settings.dataDir, options);
  }
}

/** The PostgreSQL server of `url`, through a `pg` pool. */
async function openPostgres(
  url: string,
  options: { tablePrefix?: string },
  migrate: boolean,
): Promise<SchedulerFromEnv> {
  // Each store's driver is loaded only when chosen: a server holds in memory only the one it uses.
  const [{ default: pg }, { PostgresStore }] = await Promise.all([
    import("pg"),
    import("appointment-scheduler/postgres"),
  ]);
  const pool = new pg.Pool({
    connectionString: url,
    // Bounds every statement on the server, so that a booking stuck behind a lock ends, and a statement
    // the server cancelled is known not to have committed (408 TIMED_OUT). A booking still running at the
    // request's deadline is answered 504 OUTCOME_UNKNOWN; the client retries with its Idempotency-Key.
    statement_timeout: 5_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection that the server drops (a restart) must not crash the process: the pool replaces it.
  pool.on("error", (error) => console.error(`PostgreSQL connection lost: ${error.message}`));
  try {
    const store = new PostgresStore(pool, { ...options, preparedStatements: true });
    if (migrate) await store.migrate();
    return { scheduler: createScheduler({ store }), storage: "PostgreSQL (DATABASE_URL)", close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
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

/**
 * Starts `server` on `port` and `host` and resolves once it listens. Before that, it makes the server answer
 * as the API does also where no framework runs, and stop promptly:
 *
 * - a request Node.js rejects before any route runs (not valid HTTP, headers too large) gets a JSON error
 *   `{code, message}` ({@link answerClientError}), in place of Node.js's bare status line or the
 *   framework's own answer (Fastify installs one at creation: every other `'clientError'` listener is removed);
 * - a `CONNECT` request, which reaches no route, gets 405 `METHOD_NOT_ALLOWED` in JSON ({@link answerConnect});
 * - a request target in absolute form (`GET http://host/api/appointments/1`) is routed by its path
 *   ({@link originForm}, in the first `'request'` listener, so before the framework's);
 * - `close()` stops accepting connections, closes the idle ones at once, answers the requests in flight (and
 *   any that still arrive on an open connection) with `Connection: close`, closing each connection right
 *   after its response, and resolves once none is left. A connection still open 10 s later is cut.
 */
export async function listen(server: Server, { port = 0, host = "127.0.0.1" }: ServerOptions): Promise<RunningServer> {
  server.removeAllListeners("clientError");
  server.on("clientError", answerClientError);
  // CONNECT (a proxy's method) reaches no route: without a listener Node.js cuts the connection silently.
  server.removeAllListeners("connect");
  server.on("connect", answerConnect);
  // The open connections, to end each once its response in flight is answered, when the server stops.
  // Tracked per connection, not per request: a keep-alive connection carries many requests.
  const connections = new Set<Socket & { _httpMessage?: ServerResponse | null }>();
  server.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  server.prependListener("request", (req: IncomingMessage) => {
    // Absolute form (RFC 9112 §3.2.2) is rare: the common origin form costs one character test.
    if (req.url !== undefined && req.url[0] !== "/") req.url = originForm(req.url);
  });
  server.listen(port, host);
  await once(server, "listening");
  const { port: actualPort } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${actualPort}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        // Requests still arriving on open connections: Node.js then sends `Connection: close` and ends them.
        server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
          res.setHeader("Connection", "close");
        });
        for (const socket of connections) {
          // The connection's response in flight, as Node.js attaches it (private, but stable since 0.x).
          const res = socket._httpMessage;
          if (!res) continue;
          if (!res.headersSent) res.setHeader("Connection", "close");
          // Too late to say so: its connection is closed as soon as it is idle, after the response.
          else res.once("finish", () => server.closeIdleConnections());
        }
        // Stops accepting, and (Node.js 19 and later) closes the connections that are idle now; resolves once
        // the last connection has closed.
        server.close((error) => (error ? reject(error) : resolve()));
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
 * the server (see {@link listen}) and the store and exits with code 0. Does nothing when the module is
 * imported (by the tests).
 *
 * A setting that cannot be right (`PORT=abc`), a store that cannot be opened or a port that is taken stops it
 * at start with one line on stderr and exit code 1, before anything is opened for a bad setting.
 */
export async function runIfMain(moduleUrl: string, start: (options: ServerOptions) => Promise<RunningServer>) {
  if (!isMainModule(moduleUrl)) return;
  let port: number;
  let host: string;
  let storeSettings: StoreSettings;
  let http: AppointmentsHttpOptions;
  try {
    port = portFromEnv(process.env.PORT);
    host = hostFromEnv(process.env.HOST);
    storeSettings = storeSettingsFromEnv(process.env);
    http = await httpFromEnv(process.env.AUTH_JWT_SECRET);
  } catch (error) {
    if (!(error instanceof InvalidSettingError)) throw error;
    console.error(`Invalid setting: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  let store: SchedulerFromEnv;
  try {
    store = await openStore(storeSettings);
  } catch (error) {
    console.error(`Could not open the appointment store: ${messageOf(error)}`);
    process.exitCode = 1;
    return;
  }
  let server: RunningServer;
  try {
    server = await start({ scheduler: store.scheduler, port, host, http });
  } catch (error) {
    await store.close();
    console.error(`Could not start on ${host}:${port}: ${messageOf(error)}`);
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
          console.error(`Could not stop cleanly: ${messageOf(error)}`);
          process.exit(1);
        },
      );
    });
  }
  // Announced once the handlers are in place: a signal right after the line still stops the server cleanly.
  const access = http.authenticate ? "bearer tokens signed with AUTH_JWT_SECRET" : "open to all (no AUTH_JWT_SECRET)";
  console.log(
    `Appointments API listening on ${server.url} (Ctrl+C to stop), appointments in ${store.storage}, ${access}`,
  );
}

/**
 * An error's message on one line (a driver's may span several), followed by its causes' (a store's
 * "could not be reached" says why only in its cause: `connect ECONNREFUSED 127.0.0.1:5432`).
 */
export function messageOf(error: unknown): string {
  const messages: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== "" && !messages.includes(message)) messages.push(message.replace(/\s*\n\s*/g, " "));
    current = current instanceof Error ? current.cause : undefined;
  }
  return messages.join(": ");
}

/** True when the module at `moduleUrl` is the script Node.js (or tsx) was started with. */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
