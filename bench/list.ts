/**
 * Listing a user with many appointments: what paging `list` changed. Before it, `list` answered every
 * appointment of the user at once, so one heavy user held the event loop for tens of milliseconds per
 * list, and a few clients listing that user delayed everybody else's bookings by seconds. Measured on
 * `MemoryStore`, on PGlite (PostgreSQL in this process, in WebAssembly) and, when `TEST_DATABASE_URL` is set,
 * on a PostgreSQL server.
 */
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { type AppointmentStore, createScheduler, MemoryStore, type Scheduler } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import pg from "pg";
import type { Comparison, Section } from "./report.js";

const HEAVY_USER = "heavy";
const HEAVY_APPOINTMENTS = 5_000;
const HEAVY_LABEL = HEAVY_APPOINTMENTS.toLocaleString("en-US");
const TITLE = `Listing a user with ${HEAVY_LABEL} appointments: one page against all of them`;
/** `list`'s default page size, and its largest. */
const DEFAULT_PAGE = 100;
const LARGEST_PAGE = 1_000;
const LARGEST_LABEL = LARGEST_PAGE.toLocaleString("en-US");
/** Concurrent loops listing the heavy user while another user books. */
const READERS = 16;

/** An opened store, and how to let go of it. */
interface OpenedStore {
  readonly store: AppointmentStore;
  close(): Promise<void>;
}

/** A store to measure on; `skipped` says why it cannot be here. */
interface Target {
  readonly name: string;
  readonly skipped?: string | undefined;
  open(): Promise<OpenedStore>;
}

/** The stores, opened one at a time (so that only one holds memory and connections while it is measured). */
const targets: readonly Target[] = [
  { name: "MemoryStore", open: async () => ({ store: new MemoryStore(), close: async () => {} }) },
  {
    name: "PGlite",
    async open() {
      const db = await PGlite.create(); // in memory
      const store = new PostgresStore(db);
      await store.migrate();
      return { store, close: () => db.close() };
    },
  },
  {
    name: "PostgreSQL server",
    skipped: process.env.TEST_DATABASE_URL ? undefined : "no TEST_DATABASE_URL is set",
    open: openServer,
  },
];

/**
 * The server of `TEST_DATABASE_URL`, in a schema of this run's own (dropped at the end), through a pool with
 * a connection for every reader and the booker: a booking then waits for Node.js and the server, never for
 * a free connection, which would measure the pool's size instead of the cost of a list.
 */
async function openServer(): Promise<OpenedStore> {
  const schema = `bench_list_${randomBytes(4).toString("hex")}`;
  const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: READERS + 1 });
  pool.on("error", () => {}); // an idle connection the server drops: the next query reports it
  const store = new PostgresStore(pool, { schema, preparedStatements: true });
  await store.migrate();
  return {
    store,
    async close() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/**
 * The heavy user's appointments: 11:30 on consecutive dates from 2021-01-01, one a date, as the seed's
 * policy (the scheduler's default) allows.
 */
async function bookHeavyUser(scheduler: Scheduler): Promise<void> {
  for (let i = 0; i < HEAVY_APPOINTMENTS; i++) {
    await scheduler.book(HEAVY_USER, `${new Date(Date.UTC(2021, 0, 1 + i)).toISOString().slice(0, 10)} 11:30`);
  }
}

/** What a client had to do before paging: every appointment of the user, here in pages of the largest size. */
async function listEverything(scheduler: Scheduler): Promise<number> {
  let listed = 0;
  let after: string | undefined;
  do {
    const page = await scheduler.list(HEAVY_USER, {}, { limit: LARGEST_PAGE, after });
    listed += page.appointments.length;
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return listed;
}

/** A client paging through the user: one page (the default size) per call, from the first again after the last. */
function pageWalker(scheduler: Scheduler): () => Promise<void> {
  let after: string | undefined;
  return async () => {
    after = (await scheduler.list(HEAVY_USER, {}, { after })).nextCursor ?? undefined;
  };
}

/**
 * Collects the garbage of what ran before (with `--expose-gc`, as `npm run bench` runs), so that a
 * measurement does not pay for the previous one's: reading every appointment leaves thousands of objects.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * Operations per second of each task, each run back to back for `ms` in every round, the rounds in opposite
 * orders (ABBA), so that drift of the machine falls on every task alike. Runs / measured time over all
 * rounds (not a mean of per-round rates, which overstates a task whose rounds vary).
 */
async function alternatingRates<K extends string>(
  tasks: Record<K, () => Promise<unknown>>,
  ms: number,
): Promise<Record<K, number>> {
  const names = Object.keys(tasks) as K[];
  const totals = new Map<K, { runs: number; ms: number }>(names.map((name) => [name, { runs: 0, ms: 0 }]));
  for (const order of [names, [...names].reverse()]) {
    for (const name of order) {
      collectGarbage();
      const started = performance.now();
      let runs = 0;
      while (performance.now() - started < ms) {
        await tasks[name]();
        runs++;
      }
      const total = totals.get(name) as { runs: number; ms: number };
      total.runs += runs;
      total.ms += performance.now() - started;
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { runs, ms: spent } = totals.get(name) as { runs: number; ms: number };
      return [name, (runs / spent) * 1000];
    }),
  ) as Record<K, number>;
}

interface Bookings {
  readonly perSecond: number;
  /** The longest a booking took: how long a user waited at worst. */
  readonly longestMs: number;
}

/**
 * Another user's bookings, one after the other for `ms` (each for a new user, so each is accepted and does
 * the whole work of one), while `readers` loops each run `read` over and over. The rate counts up to the
 * last booking's end, so a booking that outlasts `ms` still counts in full: a slow one cannot hide.
 */
async function bookingsBeside(
  book: () => Promise<unknown>,
  ms: number,
  readers: readonly (() => Promise<unknown>)[],
): Promise<Bookings> {
  collectGarbage();
  let reading = true;
  const loops = readers.map(async (read) => {
    while (reading) await read();
  });
  const started = performance.now();
  let done = 0;
  let longestMs = 0;
  let ended = started;
  while (ended - started < ms) {
    const before = performance.now();
    await book();
    ended = performance.now();
    longestMs = Math.max(longestMs, ended - before);
    done++;
  }
  reading = false;
  await Promise.all(loops); // each reader ends its current list: the next row starts on a quiet loop
  return { perSecond: (done / (ended - started)) * 1000, longestMs };
}

/** How long each measurement runs, in milliseconds. */
interface Durations {
  /** Each kind of list, back to back, in each of the two rounds. */
  readonly listMs: number;
  /** Another user's bookings beside the readers (alone: half before the loaded rows, half after). */
  readonly bookingMs: number;
}

const durationsOf = (quick: boolean): Durations =>
  quick ? { listMs: 400, bookingMs: 1_000 } : { listMs: 2_000, bookingMs: 3_000 };

/** A part's rows for one store, and a phrase of figures for the notes. */
interface Figures {
  readonly comparisons: readonly Comparison[];
  readonly note: string;
}

/** 1. One page against every appointment, one list after the other. */
async function pageAgainstAll(scheduler: Scheduler, store: string, { listMs }: Durations): Promise<Figures> {
  const lists = await alternatingRates(
    { everything: () => listEverything(scheduler), page: () => scheduler.list(HEAVY_USER) },
    listMs,
  );
  return {
    comparisons: [
      {
        name: `list: a page of ${DEFAULT_PAGE} vs all ${HEAVY_LABEL}, ${store}`,
        unit: "lists/s",
        baseline: lists.everything,
        measured: lists.page,
      },
    ],
    note: `a page of ${DEFAULT_PAGE} in ${(1000 / lists.page).toFixed(2)} ms, all ${HEAVY_LABEL} in ${(1000 / lists.everything).toFixed(1)} ms`,
  };
}

/**
 * 2. The event loop: another user's bookings alone, beside 16 loops paging through the heavy user, and
 * beside 16 loops reading all of it. Alone before and after the loaded rows, so that the baseline spans the
 * same stretch of the run as they do.
 */
async function bookingsBesideReaders(scheduler: Scheduler, store: string, { bookingMs }: Durations): Promise<Figures> {
  let guest = 0;
  const book = () => scheduler.book(`guest${guest++}`, "2021-04-22 11:30");
  const readers = (read: () => () => Promise<unknown>) => Array.from({ length: READERS }, read);
  const aloneBefore = await bookingsBeside(book, bookingMs / 2, []);
  const besidePages = await bookingsBeside(
    book,
    bookingMs,
    readers(() => pageWalker(scheduler)),
  );
  const besideAll = await bookingsBeside(
    book,
    bookingMs,
    readers(() => () => listEverything(scheduler)),
  );
  const aloneAfter = await bookingsBeside(book, bookingMs / 2, []);
  const alone = (aloneBefore.perSecond + aloneAfter.perSecond) / 2;
  const longestAlone = Math.max(aloneBefore.longestMs, aloneAfter.longestMs);
  return {
    comparisons: [
      {
        name: `bookings beside ${READERS} page readers vs alone, ${store}`,
        unit: "bookings/s",
        baseline: alone,
        measured: besidePages.perSecond,
      },
      {
        name: `bookings beside ${READERS} readers of all vs alone, ${store}`,
        unit: "bookings/s",
        baseline: alone,
        measured: besideAll.perSecond,
      },
      // Both rows above are far below 1 whatever the list costs (a booking waits its turn behind 16
      // readers'), and the report shows two decimals: this row is what paging fixes.
      {
        name: `bookings beside page readers vs readers of all, ${store}`,
        unit: "bookings/s",
        baseline: besideAll.perSecond,
        measured: besidePages.perSecond,
      },
    ],
    note: `longest booking ${longestAlone.toFixed(1)} ms alone, ${besidePages.longestMs.toFixed(1)} ms beside page readers, ${besideAll.longestMs.toFixed(1)} ms beside readers of all`,
  };
}

/**
 * 3. What presenting costs: a page of the largest size through the scheduler (an `Appointment` with its
 * Temporal objects per record) and through the store (the records as stored).
 */
async function schedulerAgainstStore(
  scheduler: Scheduler,
  store: AppointmentStore,
  name: string,
  { listMs }: Durations,
): Promise<Figures> {
  const pages = await alternatingRates(
    {
      store: () => store.listAppointments(HEAVY_USER, { limit: LARGEST_PAGE }),
      scheduler: () => scheduler.list(HEAVY_USER, {}, { limit: LARGEST_PAGE }),
    },
    listMs,
  );
  const microseconds = (pagesPerSecond: number) => (1e6 / (pagesPerSecond * LARGEST_PAGE)).toFixed(2);
  return {
    comparisons: [
      {
        name: `list of ${LARGEST_LABEL}: scheduler vs store, ${name}`,
        unit: "appointments/s",
        baseline: pages.store * LARGEST_PAGE,
        measured: pages.scheduler * LARGEST_PAGE,
      },
    ],
    note: `per listed appointment ${microseconds(pages.scheduler)} µs through the scheduler, ${microseconds(pages.store)} µs through the store`,
  };
}

/** The section's three parts, in the order of its table. */
const PARTS = ["lists", "bookings", "presentation"] as const;

/** The three parts on one store, after booking the heavy user's appointments into it. */
async function measure(
  name: string,
  store: AppointmentStore,
  durations: Durations,
): Promise<Record<(typeof PARTS)[number], Figures>> {
  const scheduler = createScheduler({ store });
  await bookHeavyUser(scheduler);
  // The figures are only what they claim if the user has every appointment, and the store full pages.
  const listed = await listEverything(scheduler);
  const records = await store.listAppointments(HEAVY_USER, { limit: LARGEST_PAGE });
  if (listed !== HEAVY_APPOINTMENTS || records.length !== LARGEST_PAGE) {
    throw new Error(`${name}: listed ${listed} appointments and ${records.length} records`);
  }
  return {
    lists: await pageAgainstAll(scheduler, name, durations),
    bookings: await bookingsBesideReaders(scheduler, name, durations),
    presentation: await schedulerAgainstStore(scheduler, store, name, durations),
  };
}

function method({ listMs, bookingMs }: Durations): string {
  const seconds = (ms: number) => `${(ms / 1000).toLocaleString("en-US")} s`;
  return `One user with ${HEAVY_LABEL} appointments, booked through the scheduler (the seed's policy: 11:30 on ${HEAVY_LABEL} consecutive dates), on \`MemoryStore\`, on PGlite (\`@electric-sql/pglite\` in memory under \`new PostgresStore(db)\`; it runs its queries one at a time, in this thread) and on the PostgreSQL server of \`TEST_DATABASE_URL\` (\`preparedStatements: true\`, a pool with a connection for every loop below, so that nothing waits for a connection). **Lists**: \`scheduler.list(user)\`, one page of the default ${DEFAULT_PAGE}, against what a list did before paging, all the user's appointments, here read as a client must now, in pages of ${LARGEST_LABEL} (\`after: nextCursor\` until it is \`null\`); one list after the other, ${seconds(listMs)} for each in each of two rounds in opposite orders; lists per second. **Bookings beside readers** (the event loop): another user books, one booking after the other, each for a new user so that each is accepted, for ${seconds(bookingMs)} while ${READERS} loops list the heavy user, each either paging through it (a page of ${DEFAULT_PAGE} per call, from the first again after the last) or reading all of it per iteration; against the same bookings with nothing else running (${seconds(bookingMs / 2)} before the loaded rows and ${seconds(bookingMs / 2)} after); bookings per second, counted up to the end of the last booking; the third row compares the two loads directly. **Scheduler against store**: a page of ${LARGEST_LABEL} through \`scheduler.list\` (an \`Appointment\`, with its Temporal objects, per record; it reads one record more, to tell whether a next page exists) against the store's own \`listAppointments\` (the stored records), alternating as the lists; appointments per second, so the ratio is the share of a list's time the store takes, the rest being the scheduler's presentation. \`gc()\` before each measurement. The notes give the same figures as times.`;
}

export async function listBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const durations = durationsOf(quick);
  const measured: Awaited<ReturnType<typeof measure>>[] = [];
  const notes: string[] = [];
  for (const { name, skipped, open } of targets) {
    if (skipped !== undefined) continue;
    const { store, close } = await open();
    try {
      const figures = await measure(name, store, durations);
      measured.push(figures);
      notes.push(`${name}: ${PARTS.map((part) => figures[part].note).join("; ")}`);
    } finally {
      await close();
    }
  }
  for (const { name, skipped } of targets) if (skipped !== undefined) notes.push(`${name} rows skipped: ${skipped}`);
  return {
    title: TITLE,
    method: method(durations),
    // Part by part, each with its rows for every store, so that the stores compare at a glance.
    comparisons: PARTS.flatMap((part) => measured.flatMap((figures) => figures[part].comparisons)),
    notes,
  };
}
