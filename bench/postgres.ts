/**
 * PostgreSQL: bookings per second through the PostgreSQL store's `write` at 8 concurrent clients, against a
 * bare single `INSERT … ON CONFLICT DO NOTHING` through the same driver, pool and concurrency. The load and
 * the baseline are exported for bench/resources.ts, which measures bookings that claim a resource against the
 * same baseline.
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { WriteRequest } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import type { Section } from "./report.js";

/** Clients booking at once, each in a loop, and connections in the pool. */
export const CLIENTS = 8;
/** Users booked in turn: consecutive bookings are for different users, each on the next date every round. */
export const USERS = 1_000;
const TITLE = "PostgreSQL: bookings through the store against a bare INSERT";
const DAY_MS = 86_400_000;
/** The longest appointment a policy accepts (10 days): the scheduler widens the candidates window by it. */
const LONGEST_DURATION_MS = 10 * DAY_MS;

/**
 * The write the scheduler sends for a booking of the seed's policy in UTC (30 minutes, one per calendar
 * date, no overlap): the date's period (from a millisecond before midnight, the seed's midnight rule), and
 * the candidates window as `calendar-facts.ts` bounds it (the period widened by a day, and by the longest
 * duration below). At 11:30 unless `minuteOfDay` says otherwise.
 */
export function bookingRequest(userId: string, day: number, atMs: number, minuteOfDay = 690): WriteRequest {
  const startMs = day * DAY_MS + minuteOfDay * 60_000;
  const times = { startMs, endMs: startMs + 1_800_000, localStartMs: startMs, localEndMs: startMs + 1_800_000 };
  const period = { fromMs: day * DAY_MS - 1, toMs: (day + 1) * DAY_MS };
  return {
    userId,
    change: {
      type: "book",
      id: randomUUID(),
      times,
      metadata: null,
      occupancy: {
        periods: [period],
        limit: 1,
        noOverlap: true,
        candidatesStartWithin: {
          fromMs: Math.min(startMs, period.fromMs - DAY_MS) - LONGEST_DURATION_MS,
          toMs: period.toMs + DAY_MS,
        },
        candidatesEndWithin: {
          fromMs: Math.min(startMs, period.fromMs - DAY_MS),
          toMs: period.toMs + DAY_MS + LONGEST_DURATION_MS,
        },
      },
    },
    atMs,
    changeExpiresAtMs: atMs + 7 * DAY_MS,
  };
}

/** Runs `operation` in `CLIENTS` loops for `seconds`; returns completed operations per second. */
export async function rate(
  seconds: number,
  operation: () => Promise<unknown>,
): Promise<{ perSecond: number; done: number }> {
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

/** The epoch day of the `n`th round: consecutive days from 2021-01-01. */
export const dayOf = (n: number) => Date.UTC(2021, 0, 1) / DAY_MS + (n % 3650);

/**
 * CPU time (microseconds) of the server processes behind the pool's connections, read from /proc: only
 * when the server runs on this machine and its processes can be read; `undefined` otherwise.
 */
export async function serverCpu(pool: pg.Pool): Promise<(() => number | undefined) | undefined> {
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

/**
 * The baseline: the least a booking on PostgreSQL can be, one `INSERT … ON CONFLICT DO NOTHING` of a row
 * keyed by user and date, into a table it creates in `schema` (dropped with the schema). Returns the insert.
 */
export async function bareBooker(
  pool: pg.Pool,
  schema: string,
): Promise<(userId: string, day: number) => Promise<unknown>> {
  await pool.query(
    `CREATE TABLE ${schema}.bare (user_id text NOT NULL, day integer NOT NULL, id text NOT NULL, start_ms bigint NOT NULL, PRIMARY KEY (user_id, day))`,
  );
  return (userId, day) =>
    pool.query(
      `INSERT INTO ${schema}.bare (user_id, day, id, start_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [userId, day, randomUUID(), Date.UTC(2021, 0, 1)],
    );
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

  // A schema of this run's own: tables and function are created here and dropped with it at the end.
  const schema = `bench_${randomBytes(4).toString("hex")}`;
  // Connections kept for the whole run, so that the server processes measured stay the pool's.
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS, idleTimeoutMillis: 0 });
  pool.on("error", () => {}); // an idle connection the server drops: the next query reports it
  try {
    const store = new PostgresStore(pool, { schema, preparedStatements: true });
    await store.migrate();
    const bare = await bareBooker(pool, schema);
    const run = randomBytes(3).toString("hex");
    let next = 0;
    // Consecutive bookings go to different users (1 000 in turn, the next date each round), so that the
    // clients in flight write for different users, as independent requests mostly do, and every booking
    // is accepted; each user's earlier bookings lie in the candidates window, as a returning user's do.
    const viaStore = async () => {
      const n = next++;
      const result = await store.write(
        bookingRequest(`${run}-s${n % USERS}`, dayOf(Math.floor(n / USERS)), Date.now()),
      );
      if (result.status !== "written") throw new Error(`Booking refused: ${result.status}`);
    };
    const viaBare = () => {
      const n = next++;
      return bare(`${run}-b${n % USERS}`, dayOf(Math.floor(n / USERS)));
    };
    const seconds = quick ? 1 : 4;
    const rounds = quick ? 1 : 3;
    await rate(1, viaBare); // warm-up: connections, plans
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
        const { perSecond, done } = await rate(seconds, variant === "bare" ? viaBare : viaStore);
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
      method: `A \`pg.Pool\` of ${CLIENTS} connections to the server of \`TEST_DATABASE_URL\` (PostgreSQL ${(rows[0] as { version: string }).version}), ${CLIENTS} clients each booking in a loop: through \`new PostgresStore(pool, { schema, preparedStatements: true }).write(…)\`, a \`book\` change as the scheduler sends it for the seed's policy in UTC (one day period, limit 1, no overlap, its candidates windows; one row written, the appointment, which also holds the position of its booking's event in the change feed), ${USERS.toLocaleString("en-US")} users booked in turn, each on the next date every round, so every booking succeeds and does the full work, finds the user's previous booking among its candidates (searched by end time), and the clients in flight book for different users; and, as the baseline, one \`INSERT … ON CONFLICT DO NOTHING\` of a row keyed by user and date. ${rounds} × ${seconds} s each, alternating, after a warm-up; bookings per second. A schema of the run's own, dropped at the end.`,
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
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
}
