/**
 * Issue 13: two example servers started on one `DATA_DIR` (`npm start` and `npx tsx examples/fastify.ts` in
 * one clone) both started, both booked the same user and date, and damaged the directory. Each embedded
 * store says what it does instead (test/support/embedded-stores.ts):
 * - `refused` (PGlite, one process's database): the second server exits at start with a message that names
 *   the directory and the first server, and touches nothing; the first keeps serving; once the first is
 *   killed with SIGKILL, its stale lock is taken over by the next server, which finds every booking.
 * - `shared`: both serve, and one booking per user and date holds across both.
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BookingLedger, book, listStarts } from "../support/booking-load.js";
import { EMBEDDED_STORES, storeEnv } from "../support/embedded-stores.js";
import { ExampleExitedError, type RunningExample, runExample, stopExample } from "../support/run-example.js";

const EXPRESS = new URL("../../examples/express.ts", import.meta.url);
const FASTIFY = new URL("../../examples/fastify.ts", import.meta.url);
const USERS = 5;

describe.each(EMBEDDED_STORES)("two example servers on one DATA_DIR ($name)", (store) => {
  let dataDir: string;
  const started: RunningExample[] = [];
  beforeEach(() => {
    dataDir = store.newDataDir();
  });
  afterEach(async () => {
    for (const example of started.splice(0)) example.child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });
  const start = async (file: URL) => {
    const example = await runExample(file, storeEnv(store, dataDir));
    started.push(example);
    return example;
  };

  it.runIf(store.sharing === "refused")(
    "the second stops at start, naming the directory and the first; the first keeps serving",
    async () => {
      const first = await start(EXPRESS);
      expect(await book(first.url, 1, "2031-05-01 10:00")).toMatchObject({ status: 201 });
      const before = filesOf(dataDir);

      const second = await start(FASTIFY).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(ExampleExitedError);
      const { code, output } = second as ExampleExitedError;
      expect(code).toBe(1);
      expect(output).toContain(`Could not open the appointment store: The data directory "${dataDir}" is in use`);
      expect(output).toContain(`pid ${first.child.pid} on host`);
      expect(output).toContain("examples/express.ts, started");
      expect(output).not.toContain("listening");
      expect(filesOf(dataDir)).toEqual(before); // not a byte of the data (nor of the lock) was written

      // The first serves on, and correctly.
      expect(await book(first.url, 1, "2031-05-01 15:00")).toMatchObject({ status: 400, code: "LIMIT_REACHED" });
      expect(await book(first.url, 1, "2031-05-02 15:00")).toMatchObject({ status: 201 });
      expect(await listStarts(first.url, 1)).toEqual(["2031-05-01 10:00", "2031-05-02 15:00"]);
      expect(await stopExample(first)).toEqual({ code: 0, killedBy: null });
      expect(readdirSync(dataDir)).not.toContain(store.lockFile);
    },
  );

  it.runIf(store.sharing === "shared")("both serve, and one booking per user and date holds across both", async () => {
    const [first, second] = [await start(EXPRESS), await start(FASTIFY)];
    const ledger = new BookingLedger();
    for (let user = 1; user <= USERS; user++) {
      // The same user and date on both servers at once: exactly one is booked.
      const answers = await Promise.all([
        book(first.url, user, "2031-05-01 10:00"),
        book(second.url, user, "2031-05-01 15:00"),
      ]);
      expect(answers.map(({ status }) => status).sort()).toEqual([201, 400]);
      ledger.record(answers);
    }
    await ledger.expectListedBy(first.url, USERS);
    await ledger.expectListedBy(second.url, USERS);
    expect(await stopExample(first)).toEqual({ code: 0, killedBy: null });
    expect(await stopExample(second)).toEqual({ code: 0, killedBy: null });
  });

  it("after the first is killed with SIGKILL, a new server starts on the directory and finds every booking", async () => {
    const first = await start(EXPRESS);
    const ledger = new BookingLedger();
    const attempts = [];
    for (let user = 1; user <= USERS; user++) {
      attempts.push(await book(first.url, user, "2031-05-01 10:00"), await book(first.url, user, "2031-05-02 23:30"));
    }
    expect(attempts.map(({ status }) => status)).toEqual(Array(2 * USERS).fill(201));
    ledger.record(attempts);
    first.child.kill("SIGKILL");
    expect(await first.exited).toEqual([null, "SIGKILL"]);
    if (store.lockFile) {
      // The lock stays behind, naming a process that is gone.
      expect(JSON.parse(readFileSync(join(dataDir, store.lockFile), "utf8"))).toMatchObject({ pid: first.child.pid });
    }

    const next = await start(FASTIFY);
    if (store.lockFile) {
      expect(next.output()).toContain(
        `Took over the lock on ${dataDir} left by pid ${first.child.pid} (examples/express.ts): ` +
          `no process has pid ${first.child.pid}`,
      );
    }
    await ledger.expectListedBy(next.url, USERS);
    // The date the 23:30 booking ran into is held too, as before the crash.
    expect(await book(next.url, 1, "2031-05-03 09:00")).toMatchObject({ status: 400, code: "LIMIT_REACHED" });
    expect(await book(next.url, 1, "2031-05-04 09:00")).toMatchObject({ status: 201 });
    expect(await stopExample(next)).toEqual({ code: 0, killedBy: null });
    if (store.lockFile) expect(readdirSync(dataDir)).not.toContain(store.lockFile);
  });

  it.runIf(store.sharing === "refused")(
    "of two servers that start at once on a stale lock, exactly one serves",
    async () => {
      const killed = await start(EXPRESS);
      killed.child.kill("SIGKILL");
      await killed.exited;

      const outcomes = await Promise.allSettled([start(EXPRESS), start(FASTIFY)]);
      const serving = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
      const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
      expect(serving).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const winner = serving[0] as RunningExample;
      expect(refused[0]).toBeInstanceOf(ExampleExitedError);
      expect((refused[0] as ExampleExitedError).code).toBe(1);
      expect((refused[0] as ExampleExitedError).output).toContain(`pid ${winner.child.pid} on host`);
      expect(await book(winner.url, 1, "2031-05-01 10:00")).toMatchObject({ status: 201 });
      expect(await stopExample(winner)).toEqual({ code: 0, killedBy: null });
    },
  );
});

/** Every file under `dir` with its size and last change, to show that nothing was written. */
function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { size, mtimeMs, ctimeMs } = statSync(path);
    files[relative(dir, path)] = `${size} ${mtimeMs} ${ctimeMs}`;
  }
  return files;
}
