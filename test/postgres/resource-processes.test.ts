/**
 * Several processes, each with its own scheduler and pool over one schema of a PostgreSQL server, booking
 * few resources (capacity 1 and 2, buffers of the resource's and of the type's) for many users at once,
 * appointment types of different durations over overlapping spans: no instant of a resource is ever over its
 * capacity, every acknowledged booking is stored (and nothing else), and every refusal is a typed error
 * that the final state justifies. Needs `TEST_DATABASE_URL`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { AppointmentRecord, ResourceDefinition, WorkingInterval } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttemptOutcome, BookerPlan, BookingAttempt } from "./fixtures/resource-booker.js";
import { NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

const PROCESSES = 4;
/** Bookings in flight in each process. */
const CONCURRENCY = 6;
const USERS = 120;
const ZONE = "Europe/Berlin";
/** A Thursday and a Friday, far from a change of the clocks. */
const DATES = ["2021-04-22", "2021-04-23"] as const;
const HOURS: readonly WorkingInterval[] = [
  ["08:00", "12:00"],
  ["13:00", "18:00"],
];
const WEEKDAYS = { monday: HOURS, tuesday: HOURS, wednesday: HOURS, thursday: HOURS, friday: HOURS };
/** Few resources: two of capacity 1, one of 2; buffers of their own, and other hours on one date. */
const RESOURCES: Record<string, ResourceDefinition> = {
  room: { timeZone: ZONE, weeklyHours: WEEKDAYS, bufferAfterMinutes: 10 },
  "dr-lee": {
    timeZone: ZONE,
    weeklyHours: WEEKDAYS,
    bufferBeforeMinutes: 5,
    bufferAfterMinutes: 5,
    exceptions: [{ date: DATES[1], hours: [["10:00", "14:00"]] }],
  },
  "group-room": { timeZone: ZONE, weeklyHours: WEEKDAYS, bufferAfterMinutes: 15, capacity: 2 },
};
/** Types of different durations; `consult` replaces the resource's buffer after, `quick` both buffers. */
const TYPES = {
  checkup: { durationMinutes: 30 },
  consult: { durationMinutes: 60, bufferAfterMinutes: 15 },
  quick: { durationMinutes: 15, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
} as const;
type TypeName = keyof typeof TYPES;
const TYPE_NAMES = Object.keys(TYPES) as TypeName[];
/** Two appointments a user and day; starts every 15 minutes, so that spans of different types interleave. */
const POLICY = { alignmentMinutes: 15, limit: { max: 2, per: "day" as const }, appointmentTypes: TYPES };
/** The refusals a booking may meet here; any other error fails the test. */
const TYPED_REFUSALS = ["RESOURCE_FULL", "OUTSIDE_RESOURCE_HOURS", "LIMIT_REACHED", "OVERLAPPING_APPOINTMENT"];

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOf = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
const instantOf = (date: string, minute: number) =>
  Temporal.PlainDateTime.from(`${date}T${timeOf(minute)}`).toZonedDateTime(ZONE).epochMilliseconds;

/**
 * Every resource, date and start from 07:45 to 18:00 (every 15 minutes): some spans run outside the hours.
 * Each process walks this one list from its own offset, a couple of targets apart, so that at any moment the
 * processes ask for neighbouring, overlapping spans of the same resource.
 */
const TARGETS = DATES.flatMap((date) =>
  Object.keys(RESOURCES).flatMap((resource) =>
    Array.from({ length: 42 }, (_, k) => ({ date, resource, minute: 7 * 60 + 45 + k * 15 })),
  ),
);

/**
 * Process `p`'s attempts: every target once, the types in turn. Every other attempt is for one of `USERS`
 * users spread over the run; the rest for the user of the date's two-hour block, the same in every process,
 * who asks for overlapping times on every resource from all processes at once: so that a user's limit and
 * overlap are raced for across processes too, under the user's lock as well as the resource's.
 */
function attemptsOf(p: number): BookingAttempt[] {
  return TARGETS.map((_, i) => {
    const { date, resource, minute } = TARGETS[(i + p * 2) % TARGETS.length] as (typeof TARGETS)[number];
    return {
      userId: i % 2 === 0 ? `u${(i * 7 + p * 31) % USERS}` : `block-${date}-${Math.floor(minute / 120)}`,
      start: `${date} ${timeOf(minute)}`,
      resource,
      type: TYPE_NAMES[(i + p) % TYPE_NAMES.length] as TypeName,
    };
  });
}

/**
 * What an attempt asks for, by the definitions above (not by the library): the appointment's instants, the
 * span it would occupy of the resource (the type's buffers where it sets them, else the resource's), and
 * whether that span lies within one working interval of the date.
 */
function modelOf({ start, resource, type }: BookingAttempt) {
  const definition = RESOURCES[resource] as ResourceDefinition;
  const { durationMinutes, ...buffers } = TYPES[type as TypeName] as {
    durationMinutes: number;
    bufferBeforeMinutes?: number;
    bufferAfterMinutes?: number;
  };
  const before = buffers.bufferBeforeMinutes ?? definition.bufferBeforeMinutes ?? 0;
  const after = buffers.bufferAfterMinutes ?? definition.bufferAfterMinutes ?? 0;
  const date = start.slice(0, 10);
  const minute = minutesOf(start.slice(11));
  const from = minute - before;
  const to = minute + durationMinutes + after;
  const hours = definition.exceptions?.find((e) => e.date === date)?.hours ?? HOURS;
  return {
    date,
    startMs: instantOf(date, minute),
    endMs: instantOf(date, minute + durationMinutes),
    fromMs: instantOf(date, from),
    toMs: instantOf(date, to),
    capacity: definition.capacity ?? 1,
    withinHours: hours.some(([a, b]) => minutesOf(a) <= from && to <= minutesOf(b)),
  };
}

/** The most records of `records` occupying one instant of `[fromMs, toMs)`: the count only rises at a span start. */
function peakWithin(records: readonly AppointmentRecord[], fromMs: number, toMs: number): number {
  const spans = records.map((record) => record.resource as { fromMs: number; toMs: number });
  const instants = [fromMs, ...spans.map((span) => span.fromMs).filter((t) => t > fromMs && t < toMs)];
  return Math.max(...instants.map((t) => spans.filter((span) => span.fromMs <= t && span.toMs > t).length));
}

/** A booker process; `outcomes` resolves with what it printed last, once it exits 0. */
function startBooker(plan: BookerPlan): { child: ChildProcess; ready: Promise<void>; outcomes: Promise<string> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./fixtures/resource-booker.ts", import.meta.url)), JSON.stringify(plan)],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)), stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "exit");
  const outcomes = exited.then(([code, signal]) => {
    if (code !== 0) throw new Error(`resource-booker exited ${code ?? signal}:\n${stderr}${stdout}`);
    return stdout.trim().split("\n").at(-1) ?? "[]";
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", () => {
      if (stdout.split("\n").includes("ready")) resolve();
    });
    outcomes.catch(reject);
    exited.then(() => reject(new Error(`resource-booker exited before it was ready:\n${stderr}${stdout}`)));
  });
  return { child, ready, outcomes };
}

describe.runIf(TEST_DATABASE_URL)(
  `${PROCESSES} processes booking few resources on one PostgreSQL schema (${NEEDS_SERVER})`,
  () => {
    const schema = `${uniquePrefix()}resources`;
    let pool: ReturnType<typeof serverPool>;
    let store: PostgresStore;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      pool = serverPool();
      store = new PostgresStore(pool, { schema });
      await store.migrate(); // once, before any process starts
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null) child.kill();
      await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool?.end();
    });

    it("never puts a resource over its capacity, stores every acknowledged booking, and refuses only with typed errors", async () => {
      const plans = Array.from({ length: PROCESSES }, (_, p) => ({
        schema,
        timeZone: ZONE,
        policy: POLICY,
        resources: RESOURCES,
        concurrency: CONCURRENCY,
        attempts: attemptsOf(p),
      }));
      const bookers = plans.map(startBooker);
      children.push(...bookers.map((booker) => booker.child));
      // A barrier: every process has its connections open before any of them books.
      await Promise.all(bookers.map((booker) => booker.ready));
      for (const { child } of bookers) child.stdin?.end("go\n");
      const results = await Promise.all(
        bookers.map(async (booker, p) => {
          const outcomes = JSON.parse(await booker.outcomes) as AttemptOutcome[];
          const attempts = plans[p]?.attempts ?? [];
          expect(outcomes).toHaveLength(attempts.length);
          return outcomes.map((outcome, i) => ({ attempt: attempts[i] as BookingAttempt, outcome }));
        }),
      ).then((perProcess) => perProcess.flat());

      // Only typed refusals: nothing failed otherwise.
      const failed = results.filter(({ outcome }) => "failed" in outcome);
      expect(failed).toEqual([]);
      const refusals = results.flatMap(({ attempt, outcome }) =>
        "refused" in outcome ? [{ attempt, code: outcome.refused }] : [],
      );
      for (const { code } of refusals) expect(TYPED_REFUSALS).toContain(code);
      const booked = results.flatMap(({ attempt, outcome }) =>
        "booked" in outcome ? [{ attempt, ...outcome.booked }] : [],
      );
      // Real contention: bookings succeeded, others were refused for every reason there is here, and more
      // than one process won some of the few resources' time that the others asked for too. (Not every one:
      // a process that starts a little late may find every span it asks for taken, and that is correct.)
      expect(booked.length).toBeGreaterThan(0);
      for (const code of TYPED_REFUSALS)
        expect({ code, refused: refusals.some((r) => r.code === code) }).toEqual({ code, refused: true });
      const winners = new Set(
        results.flatMap(({ outcome }, k) => ("booked" in outcome ? [Math.floor(k / TARGETS.length)] : [])),
      );
      expect(winners.size).toBeGreaterThan(1);

      // Hours are configuration: refused exactly where the span runs outside them.
      for (const { attempt, outcome } of results) {
        const outside = "refused" in outcome && outcome.refused === "OUTSIDE_RESOURCE_HOURS";
        expect({ attempt, outside }).toEqual({ attempt, outside: !modelOf(attempt).withinHours });
      }
      // Each booking occupies its times widened by the type's buffers where it sets them, else the resource's.
      for (const { attempt, startMs, endMs, occupiedFromMs, occupiedUntilMs } of booked) {
        const model = modelOf(attempt);
        expect({ attempt, startMs, endMs, occupiedFromMs, occupiedUntilMs }).toEqual({
          attempt,
          startMs: model.startMs,
          endMs: model.endMs,
          occupiedFromMs: model.fromMs,
          occupiedUntilMs: model.toMs,
        });
      }

      // The database holds exactly the acknowledged bookings, each with the span it was acknowledged with.
      const stored = new Map<string, AppointmentRecord[]>();
      for (const resource of Object.keys(RESOURCES)) {
        stored.set(resource, await store.listResourceAppointments(resource, {}));
      }
      const keyOf = (userId: string, id: string) => `${userId} ${id}`;
      const storedSpans = [...stored.values()]
        .flat()
        .map((r) => `${keyOf(r.userId, r.id)} ${r.resource?.resourceId} ${r.resource?.fromMs} ${r.resource?.toMs}`);
      const acknowledgedSpans = booked.map(
        (b) => `${keyOf(b.attempt.userId, b.id)} ${b.attempt.resource} ${b.occupiedFromMs} ${b.occupiedUntilMs}`,
      );
      expect(storedSpans.sort()).toEqual(acknowledgedSpans.sort());
      const feed = await store.readChanges({ limit: 10_000 });
      expect(feed.map((event) => keyOf(event.record.userId, event.record.id)).sort()).toEqual(
        booked.map((b) => keyOf(b.attempt.userId, b.id)).sort(),
      );

      // No instant of any resource over its capacity; the group room did take two at once.
      for (const [resource, records] of stored) {
        const capacity = RESOURCES[resource]?.capacity ?? 1;
        const peak = peakWithin(records, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        expect({ resource, peak: Math.min(peak, capacity + 1) }).toEqual({ resource, peak: capacity });
      }

      // Every other refusal was right: records are only ever added here, so what refused a booking then
      // still refuses it now. Full: capacity records occupy an instant of its span. The limit: the user has
      // three appointments that date. Overlap: one of the user's appointments overlaps it.
      const byUser = new Map<string, { date: string; startMs: number; endMs: number }[]>();
      for (const b of booked) {
        const list = byUser.get(b.attempt.userId) ?? [];
        list.push({ date: b.attempt.start.slice(0, 10), startMs: b.startMs, endMs: b.endMs });
        byUser.set(b.attempt.userId, list);
      }
      for (const { attempt, code } of refusals) {
        const model = modelOf(attempt);
        const own = byUser.get(attempt.userId) ?? [];
        if (code === "RESOURCE_FULL") {
          const records = stored.get(attempt.resource) ?? [];
          expect({ attempt, full: peakWithin(records, model.fromMs, model.toMs) >= model.capacity }).toEqual({
            attempt,
            full: true,
          });
        } else if (code === "LIMIT_REACHED") {
          expect({ attempt, count: own.filter((b) => b.date === model.date).length }).toEqual({
            attempt,
            count: POLICY.limit.max,
          });
        } else if (code === "OVERLAPPING_APPOINTMENT") {
          expect({ attempt, overlaps: own.some((b) => b.startMs < model.endMs && b.endMs > model.startMs) }).toEqual({
            attempt,
            overlaps: true,
          });
        }
      }
    }, 30_000);
  },
);
