/**
 * PostgreSQL: bookings per second through the PostgreSQL store at 8 concurrent clients, against a bare
 * single `INSERT … ON CONFLICT DO NOTHING` through the same driver, pool and concurrency.
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createScheduler } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import type { Section } from "./report.js";

const CLIENTS = 8;
const USERS = 1_000;
const TITLE = "PostgreSQL: bookings through the store against a bare INSERT";

/** Runs `operation` in `CLIENTS` loops for `seconds`; returns completed operations per second. */
async function rate(seconds: number, operation: () => Promise<unknown>): Promise<{ perSecond: number; done: number }> {
  const started = performance.now();
  const until = started + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        await operation();
        done++;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), done };
}

const dayOf = (n: number) => new Date(Date.UTC(2021, 0, 1 + (n % 3650))).toISOString().slice(0, 10);

/**
 * CPU time (microseconds) of the server processes behind the pool's connections, read from /proc: only
 * when the server runs on this machine and its processes can be read; `undefined` otherwise.
 */
async function serverCpu(pool: pg.Pool): Promise<(() => number | undefined) | undefined> {
  if (process.platform !== "linux") return undefined;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => pool.connect()));
  try {
    const pids = await Promise.all(
      clients.map(async (client) => (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number),
    );
    let ticksPerSecond = 100;
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
    } catch {
      // Linux's usual value.
    }
    const read = () => {
      try {
        let ticks = 0;
        for (const pid of pids) {
          // utime and stime: fields 14 and 15, counted after the command name's closing parenthesis.
          const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
          ticks += Number(fields[11]) + Number(fields[12]);
        }
        return Number.isFinite(ticks) ? (ticks / ticksPerSecond) * 1e6 : undefined;
      } catch {
        return undefined; // a server elsewhere, or a connection the pool replaced
      }
    };
    return read() === undefined ? undefined : read;
  } finally {
    for (const client of clients) client.release();
  }
}

/** Drops every table and function of the run's prefix (the store has no drop of its own yet). */
async function dropObjects(pool: pg.Pool, prefix: string): Promise<void> {
  const like = `${prefix.replaceAll("_", "\\_")}%`;
  const { rows: tables } = await pool.query(
    "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE tablename LIKE $1 AND schemaname = current_schema()",
    [like],
  );
  const { rows: functions } = await pool.query(
    "SELECT p.oid::regprocedure::text AS name FROM pg_proc p WHERE p.proname LIKE $1 AND p.pronamespace = current_schema()::regnamespace",
    [like],
  );
  for (const { name } of tables as { name: string }[]) await pool.query(`DROP TABLE IF EXISTS ${name} CASCADE`);
  for (const { name } of functions as { name: string }[]) await pool.query(`DROP FUNCTION IF EXISTS ${name}`);
}

export async function postgresBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    return {
      title: TITLE,
      method: "",
      comparisons: [],
      skipped:
        "no TEST_DATABASE_URL is set (for example `TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench`)",
    };
  }

  // A prefix of this run's own: tables and function are created here and dropped at the end.
  const prefix = `bench_${randomBytes(4).toString("hex")}_`;
  // Connections kept for the whole run, so that the server processes measured stay the pool's.
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS, idleTimeoutMillis: 0 });
  pool.on("error", () => {}); // an idle connection the server drops: the next query reports it
  try {
    const store = new PostgresStore(pool, { tablePrefix: prefix, preparedStatements: true });
    await store.migrate();
    await pool.query(
      `CREATE TABLE ${prefix}bare (user_id text NOT NULL, day text NOT NULL, id text NOT NULL, start_ms bigint NOT NULL, PRIMARY KEY (user_id, day))`,
    );
    const scheduler = createScheduler({ store });
    const run = randomBytes(3).toString("hex");
    let next = 0;
    // Consecutive bookings go to different users (1 000 in turn, a new date each round), so that the
    // clients in flight book for different users, as independent requests mostly do, and every booking
    // is accepted.
    const viaStore = () => {
      const n = next++;
      return scheduler.book(`${run}-s${n % USERS}`, `${dayOf(Math.floor(n / USERS))} 11:30`);
    };
    const bare = () => {
      const n = next++;
      return pool.query(
        `INSERT INTO ${prefix}bare (user_id, day, id, start_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [`${run}-b${n % USERS}`, dayOf(Math.floor(n / USERS)), randomUUID(), Date.UTC(2021, 0, 1)],
      );
    };
    const seconds = quick ? 1 : 4;
    const rounds = quick ? 1 : 3;
    await rate(1, bare); // warm-up: connections, plans
    await rate(1, viaStore);
    const serverMicros = await serverCpu(pool);
    const totals = {
      bare: { perSecond: 0, done: 0, node: 0, server: 0 },
      store: { perSecond: 0, done: 0, node: 0, server: 0 },
    };
    // ABBA: alternate, so that drift of the machine falls on both alike.
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 ? (["store", "bare"] as const) : (["bare", "store"] as const)) {
        const nodeBefore = process.cpuUsage();
        const serverBefore = serverMicros?.() ?? 0;
        const { perSecond, done } = await rate(seconds, variant === "bare" ? bare : viaStore);
        const node = process.cpuUsage(nodeBefore);
        const total = totals[variant];
        total.perSecond += perSecond / rounds;
        total.done += done;
        total.node += node.user + node.system;
        total.server += (serverMicros?.() ?? 0) - serverBefore;
      }
    }
    const { rows } = await pool.query("SELECT current_setting('server_version') AS version");
    const perBooking = (variant: "bare" | "store", part: "node" | "server") =>
      (totals[variant][part] / totals[variant].done).toFixed(0);
    return {
      title: TITLE,
      method: `A \`pg.Pool\` of ${CLIENTS} connections to the server of \`TEST_DATABASE_URL\` (PostgreSQL ${(rows[0] as { version: string }).version}), ${CLIENTS} clients each booking in a loop: through \`createScheduler({ store: new PostgresStore(pool, { tablePrefix, preparedStatements: true }) })\` (${USERS.toLocaleString("en-US")} users booked in turn, each on a new date every round, so every booking succeeds and does the full work, and the clients in flight book for different users), and, as the baseline, one \`INSERT … ON CONFLICT DO NOTHING\` of a row keyed by user and date. ${rounds} × ${seconds} s each, alternating, after a warm-up; bookings per second. Tables of a prefix of the run's own, dropped at the end.`,
      comparisons: [
        {
          name: `book, ${CLIENTS} clients`,
          unit: "bookings/s",
          baseline: totals.bare.perSecond,
          measured: totals.store.perSecond,
          goal: 0.6,
        },
      ],
      notes: [
        serverMicros
          ? `CPU time per booking: Node.js ${perBooking("bare", "node")} µs bare, ${perBooking("store", "node")} µs through the store; PostgreSQL's ${CLIENTS} connection processes ${perBooking("bare", "server")} µs bare, ${perBooking("store", "server")} µs through the store`
          : `CPU time per booking: Node.js ${perBooking("bare", "node")} µs bare, ${perBooking("store", "node")} µs through the store (the server's is not readable from here)`,
      ],
    };
  } finally {
    await dropObjects(pool, prefix);
    await pool.end();
  }
}
