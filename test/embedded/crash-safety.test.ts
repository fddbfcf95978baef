/**
 * Issue 13, crash safety: an example server killed with SIGKILL in the middle of a booking load loses no
 * booking it acknowledged, and the server started next on the same `DATA_DIR` keeps one booking per user
 * and date, also for dates booked before the crash. Each cycle: start, load (concurrent clients over
 * loopback), SIGKILL once some bookings are acknowledged (with requests in flight), restart, check.
 *
 * `CRASH_CYCLES` (default 2, to keep `npm test` short) runs more cycles by hand:
 * `CRASH_CYCLES=5 npx vitest run test/embedded/crash-safety.test.ts`.
 */
import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BookingLedger, book, expectExpectedAnswers, runBookingLoad } from "../support/booking-load.js";
import { EMBEDDED_STORES, storeEnv } from "../support/embedded-stores.js";
import { runExample, stopExample } from "../support/run-example.js";

const CYCLES = Number(process.env.CRASH_CYCLES || 2);
const EXAMPLE = new URL("../../examples/express.ts", import.meta.url);

const USERS = 20;
/** A month of dates, shared by every cycle, so that later cycles book against what earlier ones left. */
const DATES = Array.from({ length: 30 }, (_, day) => `2031-01-${String(day + 1).padStart(2, "0")}`);
/** Aligned starts that end before midnight: each booking occupies its own date only. */
const TIMES = ["09:00", "10:30", "14:00", "16:30"];
const LOAD = { clients: 4, users: USERS, dates: DATES, times: TIMES, maxRequests: 1_000 };
/** Bookings acknowledged before the kill: enough for writes to be in flight, few enough to stay quick. */
const KILL_AFTER = 60;

describe.each(EMBEDDED_STORES)("SIGKILL during a booking load ($name)", (store) => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = store.newDataDir();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    `loses no acknowledged booking and double-books nothing, over ${CYCLES} crash cycles`,
    async () => {
      const ledger = new BookingLedger();
      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        const server = await runExample(EXAMPLE, storeEnv(store, dataDir));
        try {
          // The store as the last crash left it, before any new write.
          await ledger.expectListedBy(server.url, USERS);
          const attempts = await runBookingLoad(server.url, {
            ...LOAD,
            seed: cycle,
            onAcknowledged: { count: KILL_AFTER, call: () => server.child.kill("SIGKILL") },
          });
          expectExpectedAnswers(attempts);
          ledger.record(attempts);
          expect(attempts.filter(({ status }) => status === "no answer").length).toBeGreaterThan(0);
          expect(await server.exited).toEqual([null, "SIGKILL"]);
        } finally {
          server.child.kill("SIGKILL");
        }
      }

      const server = await runExample(EXAMPLE, storeEnv(store, dataDir));
      try {
        await ledger.expectListedBy(server.url, USERS);
        expect(ledger.acknowledged).toBeGreaterThanOrEqual(KILL_AFTER * CYCLES);
        // And it answers correctly: a date held before the crashes is refused, a free one is booked.
        const held = await firstHeldDate(server.url);
        expect(await book(server.url, held.user, `${held.date} 20:00`)).toMatchObject({
          status: 400,
          code: "LIMIT_REACHED",
        });
        expect(await book(server.url, 1, "2031-03-01 12:00")).toMatchObject({ status: 201 });
        ledger.record([{ user: 1, start: "2031-03-01 12:00", status: 201 }]);
        await ledger.expectListedBy(server.url, USERS);
      } finally {
        expect(await stopExample(server)).toEqual({ code: 0, killedBy: null });
      }
    },
    30_000 + CYCLES * 20_000,
  );
});

/** A user and date that hold a booking, from the server's own list. */
async function firstHeldDate(url: string): Promise<{ user: number; date: string }> {
  for (let user = 1; user <= USERS; user++) {
    const response = await fetch(`${url}/api/appointments/${user}`);
    const { appointments } = (await response.json()) as { appointments: { start_time: string }[] };
    const start = appointments[0]?.start_time;
    if (start) return { user, date: start.slice(0, 10) };
  }
  throw new Error("no user holds a booking");
}
