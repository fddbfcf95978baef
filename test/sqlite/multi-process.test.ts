/**
 * Several processes, each with its own connection and scheduler, booking the same users and dates at once
 * on one SQLite file, while another process consumes the change feed: exactly one booking per user and
 * date, every other attempt refused with LIMIT_REACHED, the file holds exactly the accepted bookings, and
 * the feed holds each once, in the order a consumer reading along saw them.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/sqlite/index.js";
import { type Child, printed, runFixture } from "./support.js";
import { sqliteTargets, temporaryDirectory } from "./targets.js";

const PROCESSES = 4;
const USERS = Array.from({ length: 30 }, (_, i) => String(7000 + i));
const DATES = ["2021-04-22", "2021-04-23", "2021-04-24"];
/** Every process tries each of these times on every date for every user: one per user and date may pass. */
const TIMES = ["09:00", "09:30", "10:00", "13:30", "16:00"];

describe.each(sqliteTargets)("$name", (target) => {
  it.runIf(target.available)(
    `books exactly one appointment per user and date from ${PROCESSES} processes on one file, and the feed has each once`,
    async () => {
      const { dir, remove } = temporaryDirectory();
      const children: Child[] = [];
      try {
        const file = join(dir, "shared.db");
        const db = target.openDatabase(file);
        const store = new SqliteStore(db);
        await store.migrate();
        const driver = store.driver;

        const bookers = Array.from({ length: PROCESSES }, (_, rotation) =>
          runFixture("booker.ts", [
            driver,
            file,
            JSON.stringify({ users: USERS, dates: DATES, times: TIMES, rotation }),
          ]),
        );
        const reader = runFixture("feed-reader.ts", [driver, file]);
        children.push(...bookers, reader);
        await Promise.all(children.map((child) => printed(child.child, "ready")));
        const started = performance.now();
        for (const { child } of bookers) child.stdin?.end("go\n");
        const outcomes = (await Promise.all(bookers.map((booker) => booker.done))).flatMap(
          (output) => JSON.parse(output.trim().split("\n").at(-1) ?? "[]") as [string, string, string][],
        );
        const bookingMs = performance.now() - started;
        reader.child.stdin?.end("stop\n");
        const seen = JSON.parse((await reader.done).trim().split("\n").at(-1) ?? "[]") as string[][];

        // Every attempt answered: a booking, or the typed limit error.
        expect(outcomes).toHaveLength(PROCESSES * USERS.length * DATES.length * TIMES.length);
        const accepted = outcomes.filter(([, , outcome]) => outcome !== "LIMIT_REACHED");
        expect(accepted.every(([, , outcome]) => /^[0-9a-f-]{36}$/.test(outcome))).toBe(true);
        // Exactly one per user and date.
        const userDates = accepted.map(([user, start]) => `${user} ${start.slice(0, 10)}`);
        expect(new Set(userDates).size).toBe(userDates.length);
        expect(accepted).toHaveLength(USERS.length * DATES.length);

        // The file holds exactly the accepted ones...
        const stored: string[] = [];
        for (const user of USERS) {
          for (const record of await store.listAppointments(user, { status: "all" })) {
            stored.push(
              `${user} ${record.id} ${new Date(record.startMs).toISOString().slice(0, 16).replace("T", " ")}`,
            );
          }
        }
        expect(stored.sort()).toEqual(accepted.map(([user, start, id]) => `${user} ${id} ${start}`).sort());

        // ...and so does the feed, each once, in increasing positions; and the consumer saw that same feed.
        const feed = await store.readChanges({ limit: 10_000 });
        expect(feed.map((event) => `${event.record.userId} ${event.record.id}`).sort()).toEqual(
          accepted.map(([user, , id]) => `${user} ${id}`).sort(),
        );
        const positions = feed.map((event) => Number(event.position));
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
        expect(seen).toEqual(feed.map((event) => [event.position, event.record.userId, event.record.id, event.type]));
        db.close();
        console.log(
          `${target.name}: ${outcomes.length} attempts from ${PROCESSES} processes in ${Math.round(bookingMs)} ms`,
        );
      } finally {
        for (const { child } of children) if (child.exitCode === null) child.kill();
        remove();
      }
    },
    60_000,
  );
});
