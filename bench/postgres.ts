/**
 * PostgreSQL: bookings per second through the PostgreSQL store at 8 concurrent clients, against a bare
 * single `INSERT … ON CONFLICT DO NOTHING` through the same driver, pool and concurrency.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createScheduler } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import type { Section } from "./report.js";

const CLIENTS = 8;
const USERS = 1_000;

/** Runs `operation` in `CLIENTS` loops for `seconds`; returns completed operations per second. */
async function rate(seconds: number, operation: (n: number) => Promise<unknown>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) await operation(done++);
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const dayOf = (n: number) => new Date(Date.UTC(2021, 0, 1 + (n % 3650))).toISOString().slice(0, 10);

export async function postgresBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const title = "PostgreSQL: bookings through the store against a bare INSERT";
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return { title, method: "", comparisons: [], skipped: "no TEST_DATABASE_URL is set" };

  const prefix = `bench_${randomBytes(4).toString("hex")}_`;
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  try {
    const store = new PostgresStore(pool, { tablePrefix: prefix, preparedStatements: true });
    await store.migrate();
    await pool.query(
      `CREATE TABLE ${prefix}bare (user_id text NOT NULL, day text NOT NULL, id text NOT NULL, start_ms bigint NOT NULL, PRIMARY KEY (user_id, day))`,
    );
    const scheduler = createScheduler({ store });
    const run = randomBytes(3).toString("hex");
    let user = 0;
    // Consecutive bookings go to different users (1 000 in turn, a new date each round), so that the
    // clients in flight book for different users, as independent requests mostly do.
    const viaStore = () => {
      const n = user++;
      return scheduler.book(`${run}-s${n % USERS}`, `${dayOf(Math.floor(n / USERS))} 11:30`);
    };
    const bare = () => {
      const n = user++;
      return pool.query(
        `INSERT INTO ${prefix}bare (user_id, day, id, start_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [`${run}-b${n % USERS}`, dayOf(Math.floor(n / USERS)), randomUUID(), Date.UTC(2021, 0, 1)],
      );
    };
    const seconds = quick ? 1 : 4;
    const rounds = quick ? 1 : 3;
    await rate(1, bare); // warm-up: connections, plans
    await rate(1, viaStore);
    let baseline = 0;
    let measured = 0;
    for (let round = 0; round < rounds; round++) {
      baseline += (await rate(seconds, bare)) / rounds;
      measured += (await rate(seconds, viaStore)) / rounds;
    }
    const { rows } = await pool.query("SELECT current_setting('server_version') AS version");
    return {
      title,
      method: `A \`pg.Pool\` of ${CLIENTS} connections to the server of \`TEST_DATABASE_URL\` (PostgreSQL ${(rows[0] as { version: string }).version}, on this machine), ${CLIENTS} clients each booking in a loop: through \`createScheduler({ store: new PostgresStore(pool, { preparedStatements: true }) })\` (1 000 users booked in turn, each on a new date every round, so every booking succeeds and does the full work, and the clients in flight book for different users), and, as the baseline, one \`INSERT … ON CONFLICT DO NOTHING\` of a row keyed by user and date. ${rounds} × ${seconds} s each, alternating, after a warm-up; bookings per second.`,
      comparisons: [{ name: `book, ${CLIENTS} clients`, unit: "bookings/s", baseline, measured, goal: 0.6 }],
    };
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${prefix}bare, ${prefix}periods, ${prefix}appointments`);
    await pool.query(`DROP FUNCTION IF EXISTS ${prefix}insert_appointment`);
    await pool.end();
  }
}
