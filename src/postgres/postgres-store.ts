/**
 * The PostgreSQL store: appointments in a database shared by any number of processes.
 *
 * Every operation is one SQL statement, so one round trip. A booking calls the schema's function, which takes
 * the user's lock, looks for appointments holding the booking's periods (through the index on start times,
 * within the window the scheduler gives) and inserts, all in the statement's own
 * transaction: no other booking of that user can slip between the count and the insert, whichever process
 * or connection it comes from, and bookings of different users never wait for each other.
 *
 * @module
 */
import type {
  AppointmentRecord,
  AppointmentStore,
  InsertAppointmentRequest,
  InsertAppointmentResult,
  RecordRange,
  StoreOperationOptions,
} from "../store/appointment-store.js";
import { fromDriverError } from "./driver-errors.js";
import type { PostgresQueryable } from "./queryable.js";
import { migrationStatement, type PostgresSchemaOptions } from "./schema.js";
import { type TableNames, tableNames } from "./table-names.js";

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions extends PostgresSchemaOptions {
  /**
   * Send the store's statements as named prepared statements, parsed and planned once per connection
   * instead of at every call (about a fifth more bookings per second in `npm run bench`). Needs a driver
   * whose `query` also takes node-postgres' `{ name, text, values }` form (a `pg.Pool` or `pg.Client`, not
   * PGlite), and, behind PgBouncer in transaction mode, PgBouncer 1.21 or later with
   * `max_prepared_statements` set. Default `false`.
   */
  readonly preparedStatements?: boolean;
}

/** One of the store's statements: its text, and its name when statements are prepared. */
interface Statement {
  readonly text: string;
  readonly name: string | undefined;
}

/** A row as the store's queries return it: bigint columns cast to float8, so both drivers give numbers. */
interface RecordRow {
  id: string;
  user_id: string;
  start_ms: number;
  end_ms: number;
  periods: string[];
}

/** A row of the booking function. */
interface OutcomeRow {
  r_outcome: "inserted" | "replaced" | "limit-reached" | "replaced-not-found";
  r_id: string;
  r_user_id: string;
  r_start_ms: number;
  r_end_ms: number;
  r_periods: string[];
}

const RECORD_COLUMNS = "id, user_id, start_ms::float8 AS start_ms, end_ms::float8 AS end_ms, periods";

/**
 * An {@link AppointmentStore} in PostgreSQL, over node-postgres (`pg.Pool`, `pg.Client`) or PGlite. It does
 * not own the connection: close your pool or PGlite instance yourself.
 *
 * Create the schema once with {@link PostgresStore.migrate} (idempotent, safe to call at every start) or
 * with the SQL of `postgresSchemaSql()` in your own migration tool.
 *
 * Deadlines: a write cannot be abandoned from the client without the risk of reporting failure for a
 * booking that committed, so bound writes on the server with `statement_timeout` (and `lock_timeout`) in
 * your pool's configuration; the store reports a statement the server cancelled as `OperationTimedOutError`.
 *
 * @example
 * ```ts
 * import pg from "pg";
 * import { createScheduler } from "appointment-scheduler";
 * import { PostgresStore } from "appointment-scheduler/postgres";
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, statement_timeout: 5000 });
 * pool.on("error", (error) => console.error("idle PostgreSQL client failed", error));
 * const store = new PostgresStore(pool);
 * await store.migrate();
 * const scheduler = createScheduler({ store });
 * ```
 */
export class PostgresStore implements AppointmentStore {
  readonly #db: PostgresQueryable;
  readonly #names: TableNames;
  readonly #insert: Statement;
  readonly #list: Statement;
  readonly #get: Statement;
  readonly #delete: Statement;

  constructor(db: PostgresQueryable, options: PostgresStoreOptions = {}) {
    this.#db = db;
    this.#names = tableNames(options.tablePrefix);
    const { appointments, insertFunction } = this.#names;
    const statement = (name: string, text: string): Statement => ({
      text,
      // Names are per connection, and the prefix keeps two stores on one pool apart.
      name: options.preparedStatements ? `${this.#names.appointments}_${name}` : undefined,
    });
    this.#insert = statement("insert", `SELECT * FROM ${insertFunction}($1, $2, $3, $4, $5, $6, $7, $8, $9)`);
    this.#list = statement(
      "list",
      `SELECT ${RECORD_COLUMNS} FROM ${appointments}
      WHERE user_id = $1 AND ($2::bigint IS NULL OR end_ms > $2::bigint) AND ($3::bigint IS NULL OR start_ms < $3::bigint)
      ORDER BY start_ms, id COLLATE "C"`,
    );
    this.#get = statement("get", `SELECT ${RECORD_COLUMNS} FROM ${appointments} WHERE user_id = $1 AND id = $2`);
    this.#delete = statement(
      "delete",
      `DELETE FROM ${appointments} WHERE user_id = $1 AND id = $2 RETURNING ${RECORD_COLUMNS}`,
    );
  }

  /**
   * Creates or updates the store's tables and booking function. Idempotent, and safe when several
   * processes call it at once (they take turns on an advisory lock).
   */
  async migrate(options: StoreOperationOptions = {}): Promise<void> {
    await this.#query({ text: migrationStatement(this.#names), name: undefined }, [], options.signal);
  }

  async insertAppointment(
    request: InsertAppointmentRequest,
    options: StoreOperationOptions = {},
  ): Promise<InsertAppointmentResult> {
    const { record, limit, replaces, holdersStartWithin: window } = request;
    // Rounded outwards to whole milliseconds, as stored starts are; a bound that is not a finite number
    // is no bound.
    const holdersFrom = window && Number.isFinite(window.fromMs) ? Math.floor(window.fromMs) : null;
    const holdersTo = window && Number.isFinite(window.toMs) ? Math.ceil(window.toMs) : null;
    const rows = await this.#query<OutcomeRow>(
      this.#insert,
      [
        record.id,
        record.userId,
        record.startMs,
        record.endMs,
        [...record.periods],
        limit,
        replaces ?? null,
        holdersFrom,
        holdersTo,
      ],
      options.signal,
    );
    const outcome = rows[0]?.r_outcome;
    if (outcome === "replaced-not-found") return { status: "replaced-not-found" };
    if (outcome === "limit-reached") return { status: "limit-reached", conflicting: outcomeRecord(rows[0]) };
    if (outcome !== "inserted") throw new Error(`Unexpected answer from ${this.#names.insertFunction}: ${outcome}`);
    const replaced = rows.find((row) => row.r_outcome === "replaced");
    // The record as given, in a copy of its own: the booking function does not send it back.
    const inserted = { ...record, periods: [...record.periods] };
    return replaced
      ? { status: "inserted", record: inserted, replaced: outcomeRecord(replaced) }
      : { status: "inserted", record: inserted };
  }

  async listAppointments(
    userId: string,
    range: RecordRange,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord[]> {
    // Bounds are rounded outwards to whole milliseconds: stored instants are whole, so the answer is the same.
    const fromMs = range.fromMs === undefined ? null : Math.floor(range.fromMs);
    const toMs = range.toMs === undefined ? null : Math.ceil(range.toMs);
    const rows = await this.#query<RecordRow>(this.#list, [userId, fromMs, toMs], options.signal);
    return rows.map(rowRecord);
  }

  async getAppointment(
    userId: string,
    id: string,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord | null> {
    const [row] = await this.#query<RecordRow>(this.#get, [userId, id], options.signal);
    return row ? rowRecord(row) : null;
  }

  async deleteAppointment(
    userId: string,
    id: string,
    options: StoreOperationOptions = {},
  ): Promise<AppointmentRecord | null> {
    const [row] = await this.#query<RecordRow>(this.#delete, [userId, id], options.signal);
    return row ? rowRecord(row) : null;
  }

  /**
   * Runs one statement. A signal that has already fired stops it before it is sent (nothing written yet);
   * once sent, the statement runs to its answer, which the scheduler waits for on writes.
   */
  async #query<Row>(statement: Statement, params: unknown[], signal: AbortSignal | undefined): Promise<Row[]> {
    // The scheduler reports the signal's reason as its typed timeout or abort error.
    signal?.throwIfAborted();
    try {
      const { rows } =
        statement.name === undefined
          ? await this.#db.query(statement.text, params)
          : await (this.#db as unknown as NamedQueryable).query({
              name: statement.name,
              text: statement.text,
              values: params,
            });
      return rows as Row[];
    } catch (error) {
      throw fromDriverError(error);
    }
  }
}

/** node-postgres' form of `query` for a named prepared statement. */
interface NamedQueryable {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

function rowRecord(row: RecordRow): AppointmentRecord {
  return { id: row.id, userId: row.user_id, startMs: row.start_ms, endMs: row.end_ms, periods: row.periods };
}

function outcomeRecord(row: OutcomeRow | undefined): AppointmentRecord {
  if (!row) throw new Error("Missing row from the booking function");
  return { id: row.r_id, userId: row.r_user_id, startMs: row.r_start_ms, endMs: row.r_end_ms, periods: row.r_periods };
}
