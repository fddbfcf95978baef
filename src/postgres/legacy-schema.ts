/**
 * The schema of version 0.1, verbatim: migration step 1. Kept exactly as 0.1 created it (`IF NOT EXISTS`,
 * `OR REPLACE`), so that step 1 recognises a database that 0.1 made (it changes nothing there) and step 2
 * converts both alike. Never edit it: a fix belongs in a new step.
 *
 * @module
 */
import type { TableNames } from "./table-names.js";

/** The DDL of 0.1's table, index and booking function for `names`. */
export function legacySchemaStatements(names: TableNames): string[] {
  const { appointments, legacyInsertFunction: insertFunction } = names;
  // 0.1 named the index after its (then never qualified) table.
  const byStart = names.index("appointments_by_start");
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
    `CREATE INDEX IF NOT EXISTS ${byStart} ON ${appointments} (user_id, start_ms)`,
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
