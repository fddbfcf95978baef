/**
 * The store's schema as SQL: readable DDL for a user's own migration tool, and the guarded, idempotent
 * migration the store runs itself.
 *
 * @module
 */
import { DEFAULT_TABLE_PREFIX, type TableNames, tableNames } from "./table-names.js";

/** Options shared by the schema helpers and the store. */
export interface PostgresSchemaOptions {
  /**
   * Prefix of every table and function name: 1 to 40 characters of `a-z`, `0-9` and `_`. Default
   * `"scheduler_"` (table `scheduler_appointments`, function `scheduler_insert_appointment`).
   */
  readonly tablePrefix?: string;
}

/**
 * The DDL statements that create the store's schema, each idempotent (`IF NOT EXISTS`, `OR REPLACE`). Run
 * them in your own migration tool, in order, or call {@link PostgresStore.migrate}, which runs them under a
 * lock so that several processes starting at once do not race.
 */
export function postgresSchemaStatements(options: PostgresSchemaOptions = {}): string[] {
  return schemaStatements(tableNames(options.tablePrefix ?? DEFAULT_TABLE_PREFIX));
}

/** {@link postgresSchemaStatements} as one SQL script. */
export function postgresSchemaSql(options: PostgresSchemaOptions = {}): string {
  return `${postgresSchemaStatements(options).join(";\n\n")};\n`;
}

/**
 * The migration as one statement: a transaction-scoped advisory lock (per prefix) makes concurrent
 * migrations of the same schema wait for each other instead of failing on `CREATE … IF NOT EXISTS` races.
 */
export function migrationStatement(names: TableNames): string {
  const steps = schemaStatements(names)
    .map((statement) => `  EXECUTE $ddl$${statement}$ddl$;`)
    .join("\n");
  return `DO $migration$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('appointment-scheduler'), hashtext('${names.appointments}'));
${steps}
END
$migration$`;
}

function schemaStatements(names: TableNames): string[] {
  const { appointments, insertFunction } = names;
  return [
    `CREATE TABLE IF NOT EXISTS ${appointments} (
  user_id text NOT NULL,
  id text NOT NULL,
  start_ms bigint NOT NULL,
  end_ms bigint NOT NULL,
  periods text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, id)
)`,
    `CREATE INDEX IF NOT EXISTS ${appointments}_by_start ON ${appointments} (user_id, start_ms)`,
    `CREATE OR REPLACE FUNCTION ${insertFunction}(
  p_id text, p_user_id text, p_start_ms bigint, p_end_ms bigint, p_periods text[], p_limit integer, p_replaces text,
  p_holders_from bigint, p_holders_to bigint
) RETURNS TABLE (
  r_outcome text, r_id text, r_user_id text, r_start_ms double precision, r_end_ms double precision, r_periods text[]
) LANGUAGE plpgsql AS $fn$
DECLARE
  replaced ${appointments}%ROWTYPE;
  -- Where the appointments that can hold the periods start, as the scheduler bounds them; all starts when
  -- the caller gives no bound.
  holders_from bigint := coalesce(p_holders_from, -9223372036854775808);
  holders_to bigint := coalesce(p_holders_to, 9223372036854775807);
BEGIN
  -- Serialise this user's bookings: each waits here until the previous one has committed. Under READ
  -- COMMITTED every statement below then sees that commit, so the count cannot be stale. (A transaction
  -- lock in memory: no row to write. Two users whose ids hash alike merely take turns.)
  PERFORM pg_advisory_xact_lock(hashtext('${appointments}'), hashtext(p_user_id));

  -- A move: lock the appointment being replaced, so that a concurrent cancel either wins (and we answer
  -- replaced-not-found) or waits for us.
  IF p_replaces IS NOT NULL THEN
    SELECT * INTO replaced FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_replaces FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'replaced-not-found'::text, NULL::text, NULL::text, NULL::float8, NULL::float8, NULL::text[];
      RETURN;
    END IF;
  END IF;

  -- The holders of the periods are found through the start-time index, among the starts of the window: no
  -- index of periods to write at every booking (a second table and index made a booking about a third
  -- costlier). Most bookings find their periods empty: a bare EXISTS, whose plan PL/pgSQL caches, settles
  -- those; counting runs only when some appointment holds one of the periods (its generic plan looks
  -- costlier to PostgreSQL than planning again, so it is planned at every call).
  IF EXISTS (
    SELECT FROM ${appointments} AS h
    WHERE h.user_id = p_user_id AND h.start_ms >= holders_from AND h.start_ms < holders_to
      AND h.periods && p_periods AND h.id IS DISTINCT FROM p_replaces
  ) THEN
    -- The earliest appointment (other than the replaced one) holding a period that is already full. An
    -- appointment counts once per period, even one that lists a period twice.
    RETURN QUERY
      WITH holders AS (
        SELECT h.id, h.user_id, h.start_ms, h.end_ms, h.periods FROM ${appointments} AS h
        WHERE h.user_id = p_user_id AND h.start_ms >= holders_from AND h.start_ms < holders_to
          AND h.periods && p_periods AND h.id IS DISTINCT FROM p_replaces
      ), full_periods AS (
        SELECT held.period
        FROM holders AS h CROSS JOIN LATERAL (SELECT DISTINCT unnest(h.periods) AS period) AS held
        WHERE held.period = ANY (p_periods)
        GROUP BY held.period
        HAVING count(*) >= p_limit
      )
      SELECT 'limit-reached'::text, h.id, h.user_id, h.start_ms::float8, h.end_ms::float8, h.periods
      FROM holders AS h
      WHERE h.periods && ARRAY(SELECT f.period FROM full_periods AS f)
      ORDER BY h.start_ms, h.id COLLATE "C"
      LIMIT 1;
    -- None full: the periods held still have room (a limit above one), or a cancel (it does not wait for
    -- the user's lock) freed one in between. Only cancels can change this user's appointments now, and
    -- they only free room: the booking fits.
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;

  IF p_replaces IS NOT NULL THEN
    DELETE FROM ${appointments} AS a WHERE a.user_id = p_user_id AND a.id = p_replaces;
  END IF;
  INSERT INTO ${appointments} (user_id, id, start_ms, end_ms, periods)
    VALUES (p_user_id, p_id, p_start_ms, p_end_ms, p_periods);

  -- The caller has the inserted record already: no need to send it back. (RETURN NEXT sends the output
  -- columns as they are, without running a query as RETURN QUERY does.)
  r_outcome := 'inserted';
  RETURN NEXT;
  IF p_replaces IS NOT NULL THEN
    RETURN QUERY SELECT 'replaced'::text, replaced.id, replaced.user_id, replaced.start_ms::float8,
      replaced.end_ms::float8, replaced.periods;
  END IF;
END
$fn$`,
  ];
}
