/**
 * The least code the seed's rule needs, as a baseline for the benchmarks: in memory (bench/memory.ts) and
 * inside a bare HTTP server (bench/bare-servers.ts).
 */
const SEED_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

export interface BaselineAppointment {
  readonly startMs: number;
  readonly endMs: number;
  readonly keys: readonly string[];
}

/**
 * The baseline: parse the seed's string with a regular expression, check the alignment, derive the dates
 * the appointment occupies (the next one too when it ends at 00:00), check and set a `Map`.
 */
export class BaselineBooker {
  readonly #taken = new Map<string, BaselineAppointment>();
  readonly #byUser = new Map<string, BaselineAppointment[]>();

  book(userId: string, text: string): BaselineAppointment {
    const match = SEED_FORMAT.exec(text);
    if (!match) throw new Error("Appointments must be a valid datetime");
    const [, y, mo, d, h, mi] = match.map(Number) as number[];
    if (mi !== 0 && mi !== 30) throw new Error("Appointments must start on the hour or half hour");
    const startMs = Date.UTC(y as number, (mo as number) - 1, d, h, mi);
    const endMs = startMs + 30 * 60_000;
    const first = `${userId}|${Math.floor(startMs / DAY_MS)}`;
    // An end at 00:00 falls on the next date, and occupies it too.
    const last = `${userId}|${Math.floor(endMs / DAY_MS)}`;
    if (this.#taken.has(first) || this.#taken.has(last)) {
      throw new Error("User already has an appointment scheduled for this calendar date");
    }
    const appointment = { startMs, endMs, keys: first === last ? [first] : [first, last] };
    for (const key of appointment.keys) this.#taken.set(key, appointment);
    const list = this.#byUser.get(userId);
    if (list) list.push(appointment);
    else this.#byUser.set(userId, [appointment]);
    return appointment;
  }

  list(userId: string): BaselineAppointment[] {
    return [...(this.#byUser.get(userId) ?? [])].sort((a, b) => a.startMs - b.startMs);
  }
}

/** `YYYY-MM-DD HH:mm` of a UTC instant: the seed's wire form, as a few lines of code would print it. */
export function baselineWireTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
