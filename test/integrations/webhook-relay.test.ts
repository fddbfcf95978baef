/**
 * The webhook relay (examples/webhook-relay.ts) delivers every committed change at least once, signed, in
 * feed order, across a SIGKILL: run as a program, as `npx tsx examples/webhook-relay.ts` would, beside a
 * scheduler on the same SQLite file, against a local receiver that fails, hangs, answers slowly or succeeds
 * at random (seeded: a failure prints the seed; `RELAY_TEST_SEED=<seed>` replays it). In the process: the
 * dead-letter file, 410 Gone, a stop in the middle of an attempt, and the settings.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createScheduler, type Scheduler } from "appointment-scheduler";
import { type ChangeJson, type ChangesBody, createAppointmentsHttpApi } from "appointment-scheduler/http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { lockDataDir } from "../../examples/data-dir-lock.js";
import { type SchedulerFromEnv, schedulerFromEnv } from "../../examples/scheduler-from-env.js";
import {
  changeFeedOf,
  type DeadLetter,
  newWebhookSecret,
  type RelaySettings,
  readCursor,
  relaySettingsFromEnv,
  saveCursor,
  WebhookRelay,
  webhookIdOf,
} from "../../examples/webhook-relay.js";
import { runExampleToExit } from "../support/run-example.js";
import { type Receiver, seededBehaviour, startReceiver } from "./webhook-receiver.js";

// The relay signs with the real time, and Webhook.verify compares it with Date.now(): not the tests' 2021.
vi.useRealTimers();

const RELAY_URL = new URL("../../examples/webhook-relay.ts", import.meta.url);
const RELAY = fileURLToPath(RELAY_URL);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SECRET = newWebhookSecret();

let dir: string;
let receiver: Receiver | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "appointment-scheduler-relay-"));
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** The whole feed, as `GET /api/changes` answers it, read independently of the relay. */
async function fullFeed(scheduler: Scheduler): Promise<ChangeJson[]> {
  const api = createAppointmentsHttpApi(scheduler, { authenticate: () => ({ role: "service" }) });
  const changes: ChangeJson[] = [];
  for (let after: string | null = null; ; ) {
    const query = `limit=100${after === null ? "" : `&after=${after}`}`;
    const { status, body } = await api.handle("GET", `/api/changes?${query}`, { headers: {} });
    expect(status).toBe(200);
    const page = body as ChangesBody;
    changes.push(...page.changes);
    if (page.changes.length < 100) return changes;
    after = page.cursor;
  }
}

/** The payload the relay must send for `change`. */
const payloadOf = (change: ChangeJson) => ({ type: `appointment.${change.type}`, timestamp: change.at, data: change });

/**
 * Bookings, moves and cancellations for `users` on July `day` of 2031 (the real clock: the future for years):
 * each books; every even user moves it a day on, every third cancels it. Returns the ids by user.
 */
async function changeAppointments(scheduler: Scheduler, users: number[], day: number): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  const date = (d: number) => `2031-07-${String(d).padStart(2, "0")}`;
  for (const user of users) {
    const { id } = await scheduler.book(user, `${date(day)} 09:00`);
    ids.set(user, id);
    if (user % 2 === 0) await scheduler.reschedule(user, id, `${date(day + 1)} 10:00`);
    if (user % 3 === 0) await scheduler.cancel(user, id);
  }
  return ids;
}

/** Resolves once `condition` holds, checked every 50 ms; rejects with `what` after `timeoutMs`. */
async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The relay as a program, from the repository root (tsconfig's paths resolve the package's name). */
interface RelayProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  output(): string;
}

function startRelay(env: NodeJS.ProcessEnv): RelayProcess {
  const { DATABASE_URL: _notInherited, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", RELAY], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, output: () => output };
}

describe("the relay as a program, killed with SIGKILL and restarted", () => {
  let store: SchedulerFromEnv | undefined;
  let relays: RelayProcess[] = [];
  beforeEach(() => {
    relays = [];
  });
  afterEach(async () => {
    // Not emptied here: a failed test's hook prints what they printed, and runs after this one.
    for (const relay of relays) relay.child.kill("SIGKILL");
    await store?.close();
    store = undefined;
  });

  it("delivers every change at least once, signed, in feed order, skipping none", { timeout: 60_000 }, async ({
    onTestFailed,
  }) => {
    const seed = Number(process.env.RELAY_TEST_SEED || Math.floor(Math.random() * 2 ** 31));
    onTestFailed(() => {
      console.error(`Receiver seed ${seed}: replay with RELAY_TEST_SEED=${seed}`);
      for (const [n, relay] of relays.entries()) console.error(`Relay ${n + 1} printed:\n${relay.output()}`);
    });
    // At most 3 failures per event and endpoint, with RELAY_MAX_ATTEMPTS=10: nothing is dead-lettered.
    const receiving = await startReceiver({ secret: SECRET, behaviour: seededBehaviour(seed, 3) });
    receiver = receiving;
    const endpoints = ["/a", "/b"];
    const cursorFile = join(dir, "webhook-relay-cursor.json");
    const env = {
      DATA_DIR: dir,
      WEBHOOK_URLS: endpoints.map((path) => `${receiving.url}${path}`).join(","),
      WEBHOOK_SECRET: SECRET,
      RELAY_MAX_ATTEMPTS: "10",
      RELAY_BACKOFF_MS: "10",
      RELAY_BACKOFF_MAX_MS: "80",
      RELAY_TIMEOUT_MS: "800",
      RELAY_POLL_MS: "50",
    };
    // The scheduler the example servers would serve: the SQLite file of DATA_DIR, shared with the relay.
    store = await schedulerFromEnv({ DATA_DIR: dir });
    const { scheduler } = store;
    const delivered = (path: string, deliveries = receiving.deliveries) =>
      new Set(
        deliveries
          .filter(({ path: at, status }) => at === path && status !== null && status < 300)
          .map(({ payload }) => payload.data.position),
      );

    // Changes before the relay starts, and while it runs.
    const first = await changeAppointments(scheduler, [1, 2, 3, 4, 5, 6], 1);
    relays.push(startRelay(env));
    await changeAppointments(scheduler, [7, 8, 9, 10, 11, 12], 1);
    for (const user of [1, 5]) await scheduler.reschedule(user, first.get(user) ?? "", "2031-07-05 10:00");

    // Killed in the middle: some events delivered, most not, an attempt likely in flight.
    await waitFor("12 events delivered", () => endpoints.every((path) => delivered(path).size >= 12), 20_000);
    relays[0]?.child.kill("SIGKILL");
    expect(await relays[0]?.exited).toEqual([null, "SIGKILL"]);
    const atKill = [...receiving.deliveries];
    const cursorAtKill = readCursor(cursorFile);

    // More changes while no relay runs, then a new one on the same cursor file.
    await changeAppointments(scheduler, [13, 14, 15, 16], 10);
    await scheduler.cancel(1, first.get(1) ?? "");
    relays.push(startRelay(env));

    const feed = await fullFeed(scheduler);
    const positions = feed.map(({ position }) => position);
    expect(feed.length).toBeGreaterThan(30);
    await waitFor(
      "every event delivered",
      () => endpoints.every((path) => delivered(path).size === feed.length),
      30_000,
    );
    await waitFor("the cursor at the last event", () => readCursor(cursorFile) === positions.at(-1), 5_000);
    relays[1]?.child.kill("SIGTERM");
    expect(await relays[1]?.exited).toEqual([0, null]);
    expect(relays[1]?.output()).toContain("Stopped");

    // Every request was signed with the secret, and carried the JSON of GET /api/changes.
    expect(receiving.rejected).toEqual([]);
    const byPosition = new Map(feed.map((change) => [change.position, change]));
    for (const { path, webhookId, payload } of receiving.deliveries) {
      const change = byPosition.get(payload.data.position);
      expect(change).toBeDefined();
      expect(payload).toEqual(payloadOf(change as ChangeJson));
      // The same webhook-id for every attempt at an event and endpoint: how the receiver drops duplicates.
      expect(webhookId).toBe(webhookIdOf(`${receiving.url}${path}`, payload.data.position));
    }

    for (const path of endpoints) {
      // First deliveries in feed order: every event, once each, in commit order (so per appointment too).
      const firsts = [...delivered(path)];
      expect(firsts).toEqual(positions);
      for (const id of new Set(feed.map(({ appointment }) => appointment.id))) {
        const ofAppointment = feed.filter(({ appointment }) => appointment.id === id).map(({ position }) => position);
        expect(firsts.filter((position) => ofAppointment.includes(position))).toEqual(ofAppointment);
      }
      // The cursor never ran ahead of delivery: everything up to the saved cursor was delivered before the
      // kill, and nothing past the one event in flight had been sent.
      const saved = positions.indexOf(cursorAtKill ?? "");
      expect(saved).toBeGreaterThanOrEqual(10); // 12 events had reached both endpoints: 11 were done at least
      const beforeKill = delivered(path, atKill);
      expect(positions.slice(0, saved + 1).filter((position) => !beforeKill.has(position))).toEqual([]);
      const sent = atKill.filter((delivery) => delivery.path === path);
      expect(Math.max(-1, ...sent.map(({ payload }) => positions.indexOf(payload.data.position)))).toBeLessThanOrEqual(
        saved + 1,
      );
    }
    expect(existsSync(join(dir, "webhook-dead-letter.jsonl"))).toBe(false);
  });
});

describe("the relay in the process", () => {
  /** The relay's settings for `paths` of the receiver, quick, with its files in the test's directory. */
  const settingsFor = (paths: string[], env: NodeJS.ProcessEnv = {}): RelaySettings =>
    relaySettingsFromEnv({
      DATA_DIR: dir,
      WEBHOOK_URLS: paths.map((path) => `${receiver?.url}${path}`).join(","),
      WEBHOOK_SECRET: SECRET,
      RELAY_BACKOFF_MS: "5",
      RELAY_BACKOFF_MAX_MS: "20",
      ...env,
    });
  const deadLetters = (settings: RelaySettings): DeadLetter[] =>
    readFileSync(settings.deadLetterFile, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as DeadLetter);
  const deliveredAt = (path: string) =>
    receiver?.deliveries.filter((delivery) => delivery.path === path).map(({ payload }) => payload.data.position);

  /** A scheduler in memory with a booking, a move and a cancellation: three events. */
  async function threeChanges(): Promise<{ scheduler: Scheduler; feed: ChangeJson[] }> {
    const scheduler = createScheduler();
    const { id } = await scheduler.book(1, "2031-07-01 09:00");
    await scheduler.reschedule(1, id, "2031-07-02 09:00");
    await scheduler.cancel(1, id);
    return { scheduler, feed: await fullFeed(scheduler) };
  }

  it("dead-letters an event after RELAY_MAX_ATTEMPTS failures at a URL, and goes on with the next", async () => {
    receiver = await startReceiver({ secret: SECRET, behaviour: (path) => (path === "/down" ? "fail" : "succeed") });
    const { scheduler, feed } = await threeChanges();
    const settings = settingsFor(["/down", "/up"], { RELAY_MAX_ATTEMPTS: "3" });
    const log: string[] = [];
    const relay = new WebhookRelay(changeFeedOf(scheduler), settings, { log: (line) => log.push(line) });

    expect(await relay.drain()).toBe(3);
    const url = `${receiver.url}/down`;
    expect(deadLetters(settings)).toEqual(
      feed.map((change) => ({
        at: expect.any(String),
        url,
        webhookId: webhookIdOf(url, change.position),
        attempts: 3,
        error: "HTTP 500",
        payload: payloadOf(change),
      })),
    );
    expect(receiver.requestsAt("/down")).toBe(9);
    expect(deliveredAt("/up")).toEqual(feed.map(({ position }) => position));
    expect(readCursor(settings.cursorFile)).toBe(feed.at(-1)?.position);
    expect(log.filter((line) => line.startsWith("Gave up on"))).toHaveLength(3);

    // A new relay on the same files goes on after the cursor: nothing is sent again.
    expect(await new WebhookRelay(changeFeedOf(scheduler), settings, { log: () => {} }).drain()).toBe(0);
    expect([receiver.requestsAt("/down"), receiver.requestsAt("/up")]).toEqual([9, 3]);
  });

  it("ends an attempt at RELAY_TIMEOUT_MS, also when the garbage collector runs during it", async () => {
    receiver = await startReceiver({ secret: SECRET, behaviour: () => "hang" });
    const scheduler = createScheduler();
    await scheduler.book(1, "2031-07-01 09:00");
    const settings = settingsFor(["/stuck"], { RELAY_MAX_ATTEMPTS: "2", RELAY_TIMEOUT_MS: "500" });
    const relay = new WebhookRelay(changeFeedOf(scheduler), settings, { log: () => {} });
    // Node.js holds a timeout's signal only weakly: an attempt whose signals were collected would never end
    // (the relay holds them while the attempt runs). Collections every 20 ms make that certain, not rare.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const collecting = setInterval(gc, 20);
    try {
      expect(await relay.drain()).toBe(1);
    } finally {
      clearInterval(collecting);
    }
    // Each attempt ended at its timeout (under load, one may end before its request even arrived).
    expect(receiver.requestsAt("/stuck")).toBeLessThanOrEqual(2);
    expect(deadLetters(settings).map(({ attempts, error }) => [attempts, error])).toEqual([
      [2, "timed out after 500 ms"],
    ]);
  });

  it("sends nothing more to a URL that answered 410 Gone, and dead-letters its events", async () => {
    receiver = await startReceiver({ secret: SECRET, behaviour: (path) => (path === "/gone" ? "gone" : "succeed") });
    const { scheduler, feed } = await threeChanges();
    const settings = settingsFor(["/gone", "/up"]);
    const log: string[] = [];
    expect(await new WebhookRelay(changeFeedOf(scheduler), settings, { log: (line) => log.push(line) }).drain()).toBe(
      3,
    );
    expect(receiver.requestsAt("/gone")).toBe(1);
    expect(deadLetters(settings).map(({ attempts, error }) => [attempts, error])).toEqual([
      [1, "HTTP 410"],
      [0, "410 Gone earlier: not sent"],
      [0, "410 Gone earlier: not sent"],
    ]);
    expect(deliveredAt("/up")).toEqual(feed.map(({ position }) => position));
    expect(log).toContain(
      `${receiver.url}/gone answered 410 Gone: no more webhooks to it until a restart (remove it from WEBHOOK_URLS)`,
    );
  });

  it("stops in the middle of an attempt without moving the cursor", async () => {
    receiver = await startReceiver({ secret: SECRET, behaviour: () => "hang" });
    const { scheduler } = await threeChanges();
    const settings = settingsFor(["/stuck"], { RELAY_TIMEOUT_MS: "10000" });
    const stop = new AbortController();
    const running = new WebhookRelay(changeFeedOf(scheduler), settings, { log: () => {} }).run(stop.signal);
    await waitFor("the first attempt", () => receiver?.requestsAt("/stuck") === 1, 5_000);
    const stoppedAt = Date.now();
    stop.abort();
    await running;
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(existsSync(settings.cursorFile)).toBe(false);
    expect(existsSync(settings.deadLetterFile)).toBe(false);
  });

  it("stops on a saved cursor that is no position of the feed", async () => {
    receiver = await startReceiver({ secret: SECRET, behaviour: () => "succeed" });
    const settings = settingsFor(["/up"]);
    saveCursor(settings.cursorFile, "not-a-position");
    const relay = new WebhookRelay(changeFeedOf(createScheduler()), settings, { log: () => {} });
    await expect(relay.run(new AbortController().signal)).rejects.toMatchObject({ name: "FeedReadError", status: 400 });
  });
});

describe("settings", () => {
  const good = { WEBHOOK_URLS: "https://example.com/hooks", WEBHOOK_SECRET: SECRET };

  it("has defaults under DATA_DIR, and a fresh secret that is accepted", () => {
    expect(relaySettingsFromEnv({ ...good, DATA_DIR: "data" })).toEqual({
      urls: ["https://example.com/hooks"],
      secret: SECRET,
      cursorFile: join("data", "webhook-relay-cursor.json"),
      deadLetterFile: join("data", "webhook-dead-letter.jsonl"),
      maxAttempts: 8,
      backoffMs: 1_000,
      backoffMaxMs: 60_000,
      timeoutMs: 15_000,
      pollMs: 1_000,
    });
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it.each([
    [{ WEBHOOK_URLS: "" }, "WEBHOOK_URLS is required: one or more http:// or https:// URLs, comma-separated"],
    [{ WEBHOOK_URLS: "ftp://example.com" }, 'not "ftp://example.com"'],
    [{ WEBHOOK_URLS: "http://a.test/x, http://a.test/x" }, 'WEBHOOK_URLS lists "http://a.test/x" twice'],
    [{ WEBHOOK_SECRET: undefined }, "WEBHOOK_SECRET is required"],
    [{ WEBHOOK_SECRET: "not-a-secret" }, "WEBHOOK_SECRET must be whsec_ followed by 24 to 64 random bytes in base64"],
    [{ WEBHOOK_SECRET: `whsec_${Buffer.alloc(16).toString("base64")}` }, "24 to 64 random bytes"],
    [{ RELAY_MAX_ATTEMPTS: "0" }, 'RELAY_MAX_ATTEMPTS must be an integer from 1 to 1000, not "0"'],
    [{ RELAY_TIMEOUT_MS: "1.5" }, 'RELAY_TIMEOUT_MS must be an integer from 1 to 86400000, not "1.5"'],
    [{ RELAY_BACKOFF_MS: "500", RELAY_BACKOFF_MAX_MS: "100" }, "RELAY_BACKOFF_MAX_MS must be an integer from 500"],
  ])("refuses %j", (env, message) => {
    expect(() => relaySettingsFromEnv({ ...good, ...env })).toThrow(message);
    // The secret is never repeated in a message: messages end up in logs.
    expect(() => relaySettingsFromEnv({ ...good, ...env })).not.toThrow(SECRET);
  });

  it("stops the program at a bad setting with one line on stderr and exit code 1, before opening anything", async () => {
    const dataDir = join(dir, "data");
    const exit = await runExampleToExit(RELAY_URL, {
      DATA_DIR: dataDir,
      WEBHOOK_URLS: "not-a-url",
      WEBHOOK_SECRET: SECRET,
    });
    expect(exit).toEqual({
      code: 1,
      signal: null,
      stdout: "",
      stderr:
        'Invalid setting: WEBHOOK_URLS must be one or more http:// or https:// URLs, comma-separated, not "not-a-url"\n',
    });
    expect(existsSync(dataDir)).toBe(false);
  });

  it("with STORE=pglite, stops at start with the lock's message while a server has the directory", async () => {
    const dataDir = join(dir, "pglite");
    // What an example server on PGlite holds while it runs (this process stands in for it).
    const lock = await lockDataDir(dataDir);
    try {
      const exit = await runExampleToExit(RELAY_URL, {
        STORE: "pglite",
        DATA_DIR: dataDir,
        WEBHOOK_URLS: "http://127.0.0.1:9/hooks",
        WEBHOOK_SECRET: SECRET,
      });
      expect(exit).toMatchObject({ code: 1, stdout: "" });
      expect(exit.stderr).toMatch(
        new RegExp(
          `^Could not open the appointment store: The data directory "${dataDir}" is in use by another process: ` +
            `pid ${process.pid} on host .*\\n$`,
        ),
      );
    } finally {
      lock.release();
    }
  });
});
