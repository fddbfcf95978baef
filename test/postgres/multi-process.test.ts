/**
 * Several instances of the API, each a Node.js process with its own pool, against one PostgreSQL server:
 * concurrent bookings for the same users and dates, spread over the instances, never double-book, and
 * every booking answered 201 is in the database. Needs `TEST_DATABASE_URL`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningExample, runExample, stopExample } from "../support/run-example.js";
import { dropSchema, NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

const PROCESSES = 4;
const USERS = 30;
const DATES = ["2021-04-22", "2021-04-23", "2021-04-24"];
/** Every user asks for every one of these times on every date: all but one per date must be refused. */
const TIMES = ["09:00", "09:30", "10:00", "13:30", "16:00"];
const GROUPS_IN_FLIGHT = 8;

describe.runIf(TEST_DATABASE_URL)(`${PROCESSES} API processes sharing one PostgreSQL server (${NEEDS_SERVER})`, () => {
  const prefix = uniquePrefix();
  let instances: RunningExample[] = [];

  beforeAll(async () => {
    const env = { DATABASE_URL: TEST_DATABASE_URL, TABLE_PREFIX: prefix };
    // Started together: their migrations race, which must be harmless too.
    instances = await Promise.all(
      Array.from({ length: PROCESSES }, () => runExample(new URL("../../examples/node-http.ts", import.meta.url), env)),
    );
  }, 60_000);

  afterAll(async () => {
    const exits = await Promise.all(instances.map((instance) => stopExample(instance)));
    const pool = serverPool();
    await dropSchema(pool, prefix);
    await pool.end();
    expect(exits.every((exit) => exit.code === 0)).toBe(true);
  }, 30_000);

  it("books exactly one appointment per user and date, and every 201 is stored", async () => {
    // Each group is one user and date: all its times are sent at once, each to another process, so the
    // bookings that must exclude each other really are in flight together.
    const groups = Array.from({ length: USERS }, (_, user) =>
      DATES.map((date) => TIMES.map((time) => ({ user: String(7000 + user), start: `${date} ${time}` }))),
    ).flat();
    const answers: { user: string; start: string; status: number; body: unknown }[] = [];
    const book = async ({ user, start }: { user: string; start: string }, instance: RunningExample) => {
      const response = await fetch(`${instance.url}/api/appointments/${user}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appointment: start }),
      });
      answers.push({ user, start, status: response.status, body: await response.json() });
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: GROUPS_IN_FLIGHT }, async () => {
        for (let g = next++; g < groups.length; g = next++) {
          const group = groups[g] ?? [];
          await Promise.all(group.map((request, k) => book(request, instances[(g + k) % PROCESSES] as RunningExample)));
        }
      }),
    );

    // No request failed except by the typed limit error.
    const failures = answers.filter((a) => a.status !== 201);
    for (const failure of failures) expect(failure).toMatchObject({ status: 400, body: { code: "LIMIT_REACHED" } });

    // Exactly one booking per user and date was accepted...
    const accepted = answers.filter((a) => a.status === 201);
    const acceptedDates = accepted.map((a) => `${a.user} ${a.start.slice(0, 10)}`);
    expect(new Set(acceptedDates).size).toBe(acceptedDates.length);
    expect(accepted).toHaveLength(USERS * DATES.length);

    // ...and the database holds exactly the accepted ones.
    const pool = serverPool();
    try {
      const { rows } = await pool.query(
        `SELECT user_id, to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS start
         FROM ${prefix}appointments WHERE status = 'booked'`,
      );
      const stored = rows.map((row: { user_id: string; start: string }) => `${row.user_id} ${row.start}`).sort();
      expect(stored).toEqual(accepted.map((a) => `${a.user} ${a.start}`).sort());
    } finally {
      await pool.end();
    }
  }, 60_000);
});
