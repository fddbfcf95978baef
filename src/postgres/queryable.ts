/**
 * What the PostgreSQL store needs from a driver: one method. node-postgres' `Pool` and `Client` and PGlite
 * all have it as they are, so the store imports neither driver and works with whichever the caller has.
 *
 * @module
 */

/**
 * A connection or pool that runs one parameterised SQL statement: a `pg.Pool` (recommended for servers), a
 * `pg.Client`, or a `PGlite` instance (embedded PostgreSQL). Rows come back as plain objects.
 */
export interface PostgresQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
