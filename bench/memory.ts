/**
 * In memory: the scheduler's `book` and `list` against a baseline that does the least the seed's rule
 * needs, with 1 thousand, 100 thousand and 1 million appointments already stored for other users.
 */
import { createScheduler, type Scheduler } from "appointment-scheduler";
import { Bench } from "tinybench";
import type { Comparison, Section } from "./report.js";

const SEED_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The baseline: parse the seed's string with a regular expression, check the alignment, derive the dates
 * the appointment occupies (the next one too when it ends at 00:00), check and set a `Map`.
 */
class BaselineBooker {
  readonly #taken = new Map<string, true>();
  readonly #byUser = new Map<string, { startMs: number; endMs: number }[]>();

  book(userId: string, text: string): { startMs: number; endMs: number } {
    const match = SEED_FORMAT.exec(text);
    if (!match) throw new Error("Appointments must be a valid datetime");
    const [, y, mo, d, h, mi] = match.map(Number) as number[];
    if (mi !== 0 && mi !== 30) throw new Error("Appointments must start on the hour or half hour");
    const startMs = Date.UTC(y as number, (mo as number) - 1, d, h, mi);
    const endMs = startMs + 30 * 60_000;
    const first = `${userId}|${Math.floor(startMs / DAY_MS)}`;
    const last = `${userId}|${Math.floor((endMs - 1) / DAY_MS) + (endMs % DAY_MS === 0 ? 1 : 0)}`;
    if (this.#taken.has(first) || this.#taken.has(last)) {
      throw new Error("User already has an appointment scheduled for this calendar date");
    }
    this.#taken.set(first, true);
    this.#taken.set(last, true);
    const appointment = { startMs, endMs };
    const list = this.#byUser.get(userId);
    if (list) list.push(appointment);
    else this.#byUser.set(userId, [appointment]);
    return appointment;
  }

  list(userId: string): { startMs: number; endMs: number }[] {
    return [...(this.#byUser.get(userId) ?? [])].sort((a, b) => a.startMs - b.startMs);
  }
}

const APPOINTMENTS_PER_USER = 10;
/** The `i`-th booking of a user: one per date, 11:30 on consecutive dates from 2021-01-01. */
const slotOf = (i: number) => `${new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10)} 11:30`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function prefill(scheduler: Scheduler, baseline: BaselineBooker, stored: number): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let n = 0; n < stored; n++) {
    await scheduler.book(`u${Math.floor(n / APPOINTMENTS_PER_USER)}`, slotOf(n % APPOINTMENTS_PER_USER));
  }
  gc();
  const perAppointment = (process.memoryUsage().heapUsed - before) / stored;
  for (let n = 0; n < stored; n++)
    baseline.book(`u${Math.floor(n / APPOINTMENTS_PER_USER)}`, slotOf(n % APPOINTMENTS_PER_USER));
  return perAppointment;
}

export async function memoryBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const sizes = quick ? [1_000, 100_000] : [1_000, 100_000, 1_000_000];
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  const bookRates = new Map<number, number>();
  for (const stored of sizes) {
    const scheduler = createScheduler();
    const baseline = new BaselineBooker();
    const bytes = await prefill(scheduler, baseline, stored);
    notes.push(`${stored.toLocaleString("en-US")} stored: ${Math.round(bytes)} bytes of heap per stored appointment`);

    // New users each time, so every booking is accepted and does the full work of one.
    let next = 0;
    const fresh = () => `new${next++}`;
    const existing = () => `u${next++ % Math.floor(stored / APPOINTMENTS_PER_USER)}`;
    const bench = new Bench({ time: quick ? 300 : 1500, warmupTime: quick ? 100 : 300 });
    bench
      .add("baseline book", () => {
        baseline.book(fresh(), "2021-04-22 11:30");
      })
      .add("scheduler book", async () => {
        await scheduler.book(fresh(), "2021-04-22 11:30");
      })
      .add("baseline list", () => {
        baseline.list(existing());
      })
      .add("scheduler list", async () => {
        await scheduler.list(existing());
      });
    await bench.run();
    const rate = (name: string) => {
      const task = bench.getTask(name);
      const result = task?.result as { throughput?: { mean: number } } | undefined;
      if (!result?.throughput) throw new Error(`${name} did not complete: ${JSON.stringify(task?.result)}`);
      return result.throughput.mean;
    };
    const label = stored.toLocaleString("en-US");
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
    bookRates.set(stored, rate("scheduler book"));
  }
  const smallest = bookRates.get(sizes[0] as number) as number;
  const largest = bookRates.get(sizes.at(-1) as number) as number;
  notes.push(
    `scheduler book with ${(sizes.at(-1) as number).toLocaleString("en-US")} stored vs ${(sizes[0] as number).toLocaleString("en-US")} stored: ${(largest / smallest).toFixed(2)} of the rate (1.00 = no growth of the cost per booking)`,
  );
  return {
    title: "In memory: book and list",
    method:
      "`createScheduler()` with the default `MemoryStore`, after storing 10 appointments for each of N/10 users. `book` books a new user's `2021-04-22 11:30` each time; `list` lists a stored user's 10 appointments. The baseline parses the seed's `YYYY-MM-DD HH:mm` with a regular expression, checks the alignment, derives the occupied date keys (the next date too for an end at 00:00) and checks and sets a `Map`; its list sorts the user's array. tinybench, operations per second (mean), in one process. Heap per appointment: `heapUsed` after `gc()`, before and after storing.",
    comparisons,
    notes,
  };
}
