/**
 * The PostgreSQL databases the store is tested on: PGlite always (embedded, no server needed), and the
 * server at `TEST_DATABASE_URL` when it is set. Each opened store gets tables of its own (a unique prefix),
 * dropped again on close, so test files can share one database and run in parallel.
 *
 * A test that needs the server is skipped without `TEST_DATABASE_URL`, and says so: its name, or its
 * group's, contains {@link NEEDS_SERVER} (`describe.runIf(TEST_DATABASE_URL)` with it in the title, or
 * {@link describeEachTarget}, whose server targets' names hold it when they are not available).
 * test/postgres/skip-reasons.test.ts checks that.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { type PostgresQueryable, PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import { describe } from "vitest";

/** The server's URL, or `undefined` when `TEST_DATABASE_URL` is unset or empty. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Why a test that needs a server is skipped: put it in the skipped test's or group's name. */
export const NEEDS_SERVER =
  "needs a PostgreSQL server: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test";

/** An opened store, the database under it, and its table prefix. */
export interface OpenedStore {
  readonly store: PostgresStore;
  readonly db: PostgresQueryable;
  readonly prefix: string;
  /** Drops the store's tables and releases the connection. */
  close(): Promise<void>;
}

type PgPool = InstanceType<typeof pg.Pool>;

export interface PostgresTarget {
  /** For test names; a target that is not available names what it needs ({@link NEEDS_SERVER}). */
  readonly name: string;
  /** Whether it can run here: a server target needs `TEST_DATABASE_URL`. Skip its tests when not. */
  readonly available: boolean;
  /** Opens a migrated store with fresh tables. */
  open(poolOptions?: pg.PoolConfig): Promise<OpenedStore>;
}

/** A table prefix no other test uses. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString("hex")}_`;
}

/** Drops everything the migrations of `prefix` created (tables and functions, in the current schema). */
export async function dropSchema(db: { query(text: string): Promise<unknown> }, prefix: string): Promise<void> {
  const tables = ["appointments", "idempotency_keys", "changes", "migrations", "periods"];
  await db.query(`DROP TABLE IF EXISTS ${tables.map((table) => `${prefix}${table}`).join(", ")} CASCADE`);
  await db.query(`DO $drop$
DECLARE f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc AS p
    WHERE p.pronamespace = current_schema()::regnamespace AND starts_with(p.proname, '${prefix}')
  LOOP
    EXECUTE 'DROP FUNCTION ' || f::text;
  END LOOP;
END
$drop$`);
}

/** One PGlite instance per test file (starting one takes seconds); stores on it differ by prefix. */
let sharedPglite: Promise<PGlite> | undefined;

export const pgliteTarget: PostgresTarget = {
  name: "PGlite",
  available: true,
  async open() {
    sharedPglite ??= PGlite.create();
    const db = await sharedPglite;
    const prefix = uniquePrefix();
    const store = new PostgresStore(db, { tablePrefix: prefix });
    await store.migrate();
    return { store, db, prefix, close: () => dropSchema(db, prefix) };
  },
};

/** A pool on the test server; `error` events of idle clients are expected when a test cuts connections. */
export function serverPool(options: pg.PoolConfig = {}): PgPool {
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 8, ...options });
  pool.on("error", () => {});
  return pool;
}

/** The server, through a pool, with the store's statements plain or prepared. */
function serverTargetWith(preparedStatements: boolean): PostgresTarget {
  const name = preparedStatements ? "PostgreSQL server, prepared statements" : "PostgreSQL server";
  return {
    name: TEST_DATABASE_URL ? name : `${name} (${NEEDS_SERVER})`,
    available: TEST_DATABASE_URL !== undefined,
    async open(poolOptions) {
      const pool = serverPool(poolOptions);
      const prefix = uniquePrefix();
      const store = new PostgresStore(pool, { tablePrefix: prefix, preparedStatements });
      await store.migrate();
      return {
        store,
        db: pool,
        prefix,
        close: async () => {
          await dropSchema(pool, prefix);
          await pool.end();
        },
      };
    },
  };
}

export const serverTarget = serverTargetWith(false);

/**
 * PGlite, and the server with plain and with prepared statements: those two are not `available` without
 * `TEST_DATABASE_URL`, so that their tests show as skipped, with the reason in their names, rather than
 * vanish. Declare their tests with {@link describeEachTarget}.
 */
export const postgresTargets: PostgresTarget[] = [pgliteTarget, serverTarget, serverTargetWith(true)];

/**
 * `describe.each(targets)(title, body)` for targets that may not be available here: one group per target,
 * `$name` (any `$key`) in the title replaced by the target's, skipped when the target is not available, so
 * that a server target's tests show as skipped under a name that says what they need.
 */
export function describeEachTarget<T extends { readonly name: string; readonly available: boolean }>(
  targets: readonly T[],
): (title: string, body: (target: T) => void) => void {
  return (title, body) => {
    for (const target of targets) {
      const name = title.replaceAll(/\$(\w+)/g, (key, field: string) =>
        field in target ? String((target as Record<string, unknown>)[field]) : key,
      );
      describe.runIf(target.available)(name, () => body(target));
    }
  };
}
