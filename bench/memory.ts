/**
 * In memory: the scheduler's `book` and `list` against a baseline that does the least the seed's rule
 * needs, with 1 thousand, 100 thousand and 1 million appointments already stored for other users.
 */
import { createScheduler, MemoryStore } from "appointment-scheduler";
import { Bench } from "tinybench";
import { BaselineBooker } from "./baseline-booker.js";
import type { Comparison, Section } from "./report.js";

const APPOINTMENTS_PER_USER = 10;
/** The `i`-th booking of a user: one per date, 11:30 on consecutive dates from 2021-01-01. */
const slotOf = (i: number) => `${new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10)} 11:30`;
const storedUser = (n: number) => `u${Math.floor(n / APPOINTMENTS_PER_USER)}`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Heap bytes that `fill` leaves behind, per item; `undefined` without `--expose-gc`. */
async function heapPerItem(count: number, fill: () => Promise<void>): Promise<number | undefined> {
  const canGc = typeof (globalThis as { gc?: unknown }).gc === "function";
  gc();
  const before = process.memoryUsage().heapUsed;
  await fill();
  gc();
  return canGc ? (process.memoryUsage().heapUsed - before) / count : undefined;
}

type TaskName = "baseline book" | "scheduler book" | "baseline list" | "scheduler list";

export async function memoryBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const sizes = quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  const bookRates = new Map<number, { scheduler: number; baseline: number }>();
  for (const stored of sizes) {
    const label = stored.toLocaleString("en-US");
    const scheduler = createScheduler({ store: new MemoryStore() }); // the class createScheduler() uses by default
    const baseline = new BaselineBooker();
    const schedulerBytes = await heapPerItem(stored, async () => {
      for (let n = 0; n < stored; n++) await scheduler.book(storedUser(n), slotOf(n % APPOINTMENTS_PER_USER));
    });
    const baselineBytes = await heapPerItem(stored, async () => {
      for (let n = 0; n < stored; n++) baseline.book(storedUser(n), slotOf(n % APPOINTMENTS_PER_USER));
    });
    // A thousand appointments are too few for the heap to tell their size from its own noise.
    if (schedulerBytes !== undefined && baselineBytes !== undefined && stored >= 100_000) {
      notes.push(
        `${label} stored: ${Math.round(schedulerBytes)} bytes of heap per stored appointment, with its change event (baseline ${Math.round(baselineBytes)})`,
      );
    }

    // A new user each time, so that every booking is accepted and does the full work of one. Both sides
    // keep what they booked (the scheduler's store keeps every appointment, as a ledger does, and has no
    // delete), so both grow alike, by one appointment per sample, from the N stored at the start.
    let next = 0;
    const tasks: Record<TaskName, Parameters<Bench["add"]>> = {
      "baseline book": [
        "baseline book",
        () => {
          baseline.book(`new${next++}`, "2021-04-22 11:30");
        },
      ],
      "scheduler book": [
        "scheduler book",
        async () => {
          await scheduler.book(`new${next++}`, "2021-04-22 11:30");
        },
      ],
      "baseline list": [
        "baseline list",
        () => {
          baseline.list(storedUser(next++ % stored));
        },
      ],
      "scheduler list": [
        "scheduler list",
        async () => {
          (await scheduler.list(storedUser(next++ % stored))).appointments;
        },
      ],
    };
    // Two rounds in opposite orders (ABBA), so that drift of the machine falls on baseline and library alike.
    const order = Object.keys(tasks) as TaskName[];
    const totals = new Map<TaskName, { runs: number; ms: number }>();
    for (const round of [order, [...order].reverse()]) {
      const bench = new Bench({ time: quick ? 300 : 1500, warmupTime: quick ? 100 : 300 });
      for (const name of round) bench.add(...tasks[name]);
      await bench.run();
      for (const name of round) {
        const result = bench.getTask(name)?.result as
          | { state: string; totalTime?: number; latency?: { samplesCount: number }; error?: unknown }
          | undefined;
        if (result?.totalTime === undefined || !result.latency) {
          throw new Error(`${name} did not complete: ${String(result?.error ?? result?.state)}`);
        }
        const total = totals.get(name) ?? { runs: 0, ms: 0 };
        totals.set(name, { runs: total.runs + result.latency.samplesCount, ms: total.ms + result.totalTime });
      }
    }
    // Operations per second over all samples: runs / time (not the mean of per-sample rates, which
    // overstates a task whose samples vary).
    const rate = (name: TaskName) => {
      const { runs, ms } = totals.get(name) as { runs: number; ms: number };
      return (runs / ms) * 1000;
    };
    comparisons.push(
      {
        name: `book, ${label} stored`,
        unit: "ops/s",
        baseline: rate("baseline book"),
        measured: rate("scheduler book"),
        goal: 0.25,
      },
      {
        name: `list, ${label} stored`,
        unit: "ops/s",
        baseline: rate("baseline list"),
        measured: rate("scheduler list"),
      },
    );
    bookRates.set(stored, { scheduler: rate("scheduler book"), baseline: rate("baseline book") });
  }
  const smallest = sizes[0] as number;
  const largest = sizes.at(-1) as number;
  const small = bookRates.get(smallest) as { scheduler: number; baseline: number };
  const large = bookRates.get(largest) as { scheduler: number; baseline: number };
  notes.push(
    `book with ${largest.toLocaleString("en-US")} stored vs ${smallest.toLocaleString("en-US")} stored: the scheduler keeps ${(large.scheduler / small.scheduler).toFixed(2)} of its rate, the baseline ${(large.baseline / small.baseline).toFixed(2)} of its own (1.00 = the cost of a booking does not grow with other users' appointments; a larger heap slows both)`,
  );
  if (typeof (globalThis as { gc?: unknown }).gc !== "function") {
    notes.push("heap per appointment not measured: run with `node --expose-gc` (as `npm run bench` does)");
  }
  return {
    title: "In memory: book and list",
    method: `\`createScheduler()\`'s default store, \`MemoryStore\`, after storing 10 appointments for each of N/10 users through the scheduler. \`book\` books a new user's \`2021-04-22 11:30\`, so that every booking is accepted and does the whole work of one; both keep what they booked (the store has no delete: a ledger keeps every appointment), so both grow alike, by one appointment per sample, from the N stored at the start. \`list\` lists a stored user's 10 appointments. The baseline parses the seed's \`YYYY-MM-DD HH:mm\` with a regular expression, checks the alignment, derives the occupied date keys (the next date too for an end at 00:00) and checks and sets a \`Map\`; its list copies and sorts the user's array. tinybench in one process, ${quick ? "0.3" : "1.5"} s per task in each of two rounds in opposite orders; operations per second = samples / measured time. Heap per appointment: \`heapUsed\` after \`gc()\`, before and after storing N.`,
    comparisons,
    notes,
  };
}
