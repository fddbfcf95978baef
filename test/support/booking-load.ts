/**
 * Bookings over HTTP against an example server, for tests that stop it in every way: a load of concurrent
 * clients, a ledger of what each request was answered, and the check of what a server (the same one, or a
 * new one on the same data) lists against that ledger. Loopback only, bounded in requests and time.
 */
import { expect } from "vitest";

const JSON_TYPE = { "content-type": "application/json" };
/** No request of these tests may hang: the server answers well within this, or has been killed. */
const REQUEST_TIMEOUT_MS = 10_000;

/** What one booking request was answered: a status (with the body's `code`), or no answer at all. */
export interface BookingAttempt {
  readonly user: number;
  /** `YYYY-MM-DD HH:mm`, the seed's form. */
  readonly start: string;
  readonly status: number | "no answer";
  readonly code?: string;
}

export async function book(url: string, user: number, start: string): Promise<BookingAttempt> {
  try {
    const response = await fetch(`${url}/api/appointments/${user}`, {
      method: "POST",
      headers: JSON_TYPE,
      body: JSON.stringify({ appointment: start }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as { code?: string };
    return { user, start, status: response.status, ...(body.code ? { code: body.code } : {}) };
  } catch {
    return { user, start, status: "no answer" };
  }
}

/** Every booked appointment of `user`, by start (`YYYY-MM-DD HH:mm`), through every page. */
export async function listStarts(url: string, user: number): Promise<string[]> {
  const starts: string[] = [];
  let after: string | null = null;
  do {
    const query: string = after === null ? "?limit=1000" : `?limit=1000&after=${encodeURIComponent(after)}`;
    const response = await fetch(`${url}/api/appointments/${user}${query}`, {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { appointments: { start_time: string }[]; next_cursor: string | null };
    starts.push(...page.appointments.map((appointment) => appointment.start_time));
    after = page.next_cursor;
  } while (after !== null);
  return starts;
}

/** The answers a booking may get under load: booked, the user's date taken, or an outcome the client cannot know. */
export function expectExpectedAnswers(attempts: readonly BookingAttempt[]): void {
  const unexpected = attempts.filter(
    ({ status, code }) =>
      !(
        status === 201 ||
        status === "no answer" ||
        (status === 400 && code === "LIMIT_REACHED") ||
        (status === 504 && code === "OUTCOME_UNKNOWN")
      ),
  );
  expect(unexpected).toEqual([]);
}

export interface LoadOptions {
  /** Concurrent clients, each with one request in flight at a time. */
  readonly clients: number;
  readonly users: number;
  readonly dates: readonly string[];
  readonly times: readonly string[];
  /** A bound on the requests of the whole load. */
  readonly maxRequests: number;
  /** Called once, when this many bookings have been acknowledged (with the other clients' requests in flight). */
  readonly onAcknowledged?: { readonly count: number; readonly call: () => void };
  /** Seeds the choice of user, date and time. */
  readonly seed: number;
}

/**
 * Clients book random users, dates and times until `maxRequests` are sent or the server stops answering
 * (each client stops at its first request without an answer). Returns every attempt.
 */
export async function runBookingLoad(url: string, options: LoadOptions): Promise<BookingAttempt[]> {
  const random = mulberry32(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const attempts: BookingAttempt[] = [];
  let acknowledged = 0;
  let fired = false;
  const client = async () => {
    while (attempts.length < options.maxRequests) {
      const user = 1 + Math.floor(random() * options.users);
      const attempt = await book(url, user, `${pick(options.dates)} ${pick(options.times)}`);
      attempts.push(attempt);
      if (attempt.status === 201 && ++acknowledged === options.onAcknowledged?.count && !fired) {
        fired = true;
        options.onAcknowledged.call();
      }
      if (attempt.status === "no answer") return;
    }
  };
  await Promise.all(Array.from({ length: options.clients }, client));
  return attempts;
}

/**
 * What a ledger of attempts says the store must hold, across any number of servers and crashes: every
 * acknowledged booking, possibly some without an answer, and nothing else.
 */
export class BookingLedger {
  readonly #acknowledged = new Set<string>();
  readonly #maybe = new Set<string>();

  record(attempts: readonly BookingAttempt[]): void {
    for (const { user, start, status, code } of attempts) {
      if (status === 201) this.#acknowledged.add(`${user} ${start}`);
      else if (status === "no answer" || code === "OUTCOME_UNKNOWN") this.#maybe.add(`${user} ${start}`);
    }
  }

  get acknowledged(): number {
    return this.#acknowledged.size;
  }

  /**
   * Lists users `1..users` on the server at `url` and checks it against the ledger: every acknowledged
   * booking is there, at most one per user and date, and nothing that was never asked for. What is listed
   * becomes known (an unanswered booking that was written is acknowledged from now on).
   */
  async expectListedBy(url: string, users: number): Promise<void> {
    const listed = new Set<string>();
    const perDate = new Map<string, string[]>();
    for (let user = 1; user <= users; user++) {
      for (const start of await listStarts(url, user)) {
        listed.add(`${user} ${start}`);
        const date = `${user} ${start.slice(0, 10)}`;
        perDate.set(date, [...(perDate.get(date) ?? []), start]);
      }
    }
    const lost = [...this.#acknowledged].filter((booking) => !listed.has(booking));
    const doubleBooked = [...perDate].filter(([, starts]) => starts.length > 1);
    const neverAsked = [...listed].filter((booking) => !this.#acknowledged.has(booking) && !this.#maybe.has(booking));
    expect({ lost, doubleBooked, neverAsked }).toEqual({ lost: [], doubleBooked: [], neverAsked: [] });
    for (const booking of listed) this.#acknowledged.add(booking);
    this.#maybe.clear();
  }
}

/** A small seeded generator, so that a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
