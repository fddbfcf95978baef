/**
 * The booking policy: what an appointment is (duration, alignment) and how many a user may have (the
 * frequency limit). The defaults are the seed's rules. All judgements are made in the user's local time.
 *
 * @module
 */
import { Temporal } from "temporal-polyfill";
import { InvalidArgumentError, type LimitPeriod } from "../errors/scheduler-errors.js";
import { LONGEST_BUFFER_MINUTES } from "../resources/resource-definition.js";
import { civilDate, epochDayOf, isoDayOfWeek } from "../time/civil-date.js";
import { readOptionFields } from "./read-fields.js";

/** The policy options of {@link createScheduler}. Every option is optional; defaults are the seed's rules. */
export interface PolicyOptions {
  /**
   * Length of every appointment, in minutes of elapsed time (an appointment across a daylight-saving change
   * still lasts exactly this long). A positive integer; default `30`.
   */
  readonly durationMinutes?: number;
  /**
   * Starts must fall on a multiple of this many minutes after local midnight, with zero seconds: `30` (the
   * default) allows :00 and :30. A positive divisor of 1440 (a day), so that every day has the same grid.
   */
  readonly alignmentMinutes?: number;
  /**
   * The per-user frequency limit: at most `max` appointments per `per` of the user's calendar. Default
   * `{ max: 1, per: "day" }`, the seed's "one appointment per calendar date". Weeks start on
   * {@link weekStartsOn}; months are calendar months.
   */
  readonly limit?: { readonly max: number; readonly per: LimitPeriod };
  /**
   * Whether an appointment that ends exactly at local midnight also occupies the next date (and so counts
   * toward that date's limit). Default `true`, as the seed: 23:30–00:00 blocks both dates.
   */
  readonly endAtMidnightCountsOnNextDate?: boolean;
  /** First day of a week for `per: "week"`: 1 = Monday (ISO, the default) … 7 = Sunday. */
  readonly weekStartsOn?: number;
  /**
   * Minimum time between now (the scheduler's clock) and a start, for example `{ hours: 2 }` or `"PT2H"`.
   * Calendar units are added in the user's zone. Off by default, as in the seed.
   */
  readonly minimumNotice?: Temporal.DurationLike | string;
  /**
   * Maximum time between now and a start, for example `{ days: 90 }`. Off by default, as in the seed. It
   * must be longer than `minimumNotice`, or nothing could ever be booked.
   */
  readonly maximumHorizon?: Temporal.DurationLike | string;
  /**
   * Whether a start before now may be booked (or an appointment moved there), and offered by
   * `availability`. Default `true`, as in the seed, which knew no clock. Set `false` to refuse them with
   * `OUTSIDE_BOOKING_WINDOW` (`bound: "past"`); `minimumNotice` refuses them too.
   */
  readonly allowPastStarts?: boolean;
  /**
   * Minimum time between now and an appointment's start for its user to cancel it, for example
   * `{ hours: 24 }`. Later, `cancel` fails with `TOO_LATE_TO_CHANGE` (staff can pass `allowLate`). Off by
   * default: an appointment can be cancelled until it starts.
   */
  readonly cancellationNotice?: Temporal.DurationLike | string;
  /**
   * Minimum time between now and an appointment's current start for it to be moved. Later, `reschedule`
   * fails with `TOO_LATE_TO_CHANGE`. Off by default: until it starts. (The new start must meet
   * `minimumNotice`, as any booking.)
   */
  readonly rescheduleNotice?: Temporal.DurationLike | string;
  /**
   * Whether one user's booked appointments may overlap in time. Default `false`: a person cannot attend two
   * appointments at once, so a booking or move that overlaps another of the user's appointments is refused
   * with `OVERLAPPING_APPOINTMENT`, whatever the limit allows. Set it for services where it makes sense.
   */
  readonly allowOverlap?: boolean;
  /**
   * Named appointment types with their own duration, e.g. `{ checkup: { durationMinutes: 30 }, consult: {
   * durationMinutes: 60, bufferAfterMinutes: 15 } }`, chosen per booking with `book(…, { type })`. Without
   * a type, `durationMinutes` stands. A type's buffers, when given, replace the resource's, and its
   * `alignmentMinutes` the policy's (see docs/resources.md).
   */
  readonly appointmentTypes?: Readonly<Record<string, AppointmentTypeOptions>>;
}

/** One of {@link PolicyOptions.appointmentTypes}. */
export interface AppointmentTypeOptions {
  /** Its length in minutes of elapsed time: a positive integer of at most ten days. */
  readonly durationMinutes: number;
  /** Minutes the resource is occupied before it, instead of the resource's own buffer. */
  readonly bufferBeforeMinutes?: number;
  /** Minutes the resource is occupied after it, instead of the resource's own buffer. */
  readonly bufferAfterMinutes?: number;
  /**
   * The grid its starts lie on, instead of the policy's `alignmentMinutes` (a 60-minute consult on the hour,
   * say): minutes from midnight, dividing 1440.
   */
  readonly alignmentMinutes?: number;
}

/** An appointment type, validated: buffers `null` where the resource's stand. */
export interface AppointmentType {
  readonly name: string;
  readonly durationMinutes: number;
  readonly bufferBeforeMinutes: number | null;
  readonly bufferAfterMinutes: number | null;
  /** Its grid of starts, or `null` where the policy's stands. */
  readonly alignmentMinutes: number | null;
}

/** A validated policy with every default filled in. */
export interface Policy {
  readonly durationMinutes: number;
  readonly alignmentMinutes: number;
  readonly limit: { readonly max: number; readonly per: LimitPeriod };
  readonly endAtMidnightCountsOnNextDate: boolean;
  readonly weekStartsOn: number;
  readonly minimumNotice: Temporal.Duration | null;
  readonly maximumHorizon: Temporal.Duration | null;
  readonly allowOverlap: boolean;
  readonly allowPastStarts: boolean;
  readonly cancellationNotice: Temporal.Duration | null;
  readonly rescheduleNotice: Temporal.Duration | null;
  /** The appointment types by name (empty without any). */
  readonly appointmentTypes: ReadonlyMap<string, AppointmentType>;
}

const MINUTES_PER_DAY = 1440;

/** The longest `durationMinutes` a policy accepts: ten days. */
export const LONGEST_DURATION_MINUTES = 10 * MINUTES_PER_DAY;

/** The span of the years a start may have (0000–9999): the longest notice or horizon that means anything. */
const LONGEST_WINDOW_FROM = new Temporal.PlainDateTime(0, 1, 1);
const LONGEST_WINDOW_TO = new Temporal.PlainDateTime(10000, 1, 1);

/** Validates the options and fills in the defaults; throws {@link InvalidArgumentError} naming the option. */
export function resolvePolicy(options: unknown): Policy {
  if (options === undefined) options = {};
  if (typeof options !== "object" || options === null) {
    throw new InvalidArgumentError("options.policy", "options.policy must be an object");
  }
  const o = readOptionFields(
    options,
    [
      "durationMinutes",
      "alignmentMinutes",
      "limit",
      "endAtMidnightCountsOnNextDate",
      "weekStartsOn",
      "minimumNotice",
      "maximumHorizon",
      "allowOverlap",
      "allowPastStarts",
      "cancellationNotice",
      "rescheduleNotice",
      "appointmentTypes",
    ],
    "options.policy",
  );
  const durationMinutes = integerOption(o.durationMinutes, "durationMinutes", 30, 1, LONGEST_DURATION_MINUTES);
  const alignmentMinutes =
    o.alignmentMinutes === undefined ? 30 : alignmentOption(o.alignmentMinutes, "alignmentMinutes");
  const minimumNotice = durationOption(o.minimumNotice, "minimumNotice");
  const maximumHorizon = durationOption(o.maximumHorizon, "maximumHorizon");
  if (minimumNotice && maximumHorizon && !isLongerEverywhere(maximumHorizon, minimumNotice)) {
    throw new InvalidArgumentError(
      "options.policy.maximumHorizon",
      "maximumHorizon must be longer than minimumNotice, or no start could ever be booked",
    );
  }
  return {
    durationMinutes,
    alignmentMinutes,
    limit: limitOption(o.limit),
    endAtMidnightCountsOnNextDate: booleanOption(
      o.endAtMidnightCountsOnNextDate,
      "endAtMidnightCountsOnNextDate",
      true,
    ),
    weekStartsOn: integerOption(o.weekStartsOn, "weekStartsOn", 1, 1, 7),
    minimumNotice,
    maximumHorizon,
    allowOverlap: booleanOption(o.allowOverlap, "allowOverlap", false),
    allowPastStarts: booleanOption(o.allowPastStarts, "allowPastStarts", true),
    cancellationNotice: durationOption(o.cancellationNotice, "cancellationNotice"),
    rescheduleNotice: durationOption(o.rescheduleNotice, "rescheduleNotice"),
    appointmentTypes: appointmentTypesOption(o.appointmentTypes),
  };
}

/** A grid of starts in minutes: a whole number from 1 to 1440 that divides a day. */
function alignmentOption(value: unknown, name: string): number {
  const minutes = integerOption(value, name, 30, 1, MINUTES_PER_DAY);
  if (MINUTES_PER_DAY % minutes !== 0) {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name.split(".").at(-1)} must divide 1440 (a day)`);
  }
  return minutes;
}

function appointmentTypesOption(value: unknown): ReadonlyMap<string, AppointmentType> {
  const types = new Map<string, AppointmentType>();
  if (value === undefined) return types;
  const argument = "options.policy.appointmentTypes";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, "appointmentTypes must be an object of types by name");
  }
  for (const name of Object.keys(value)) {
    if (name.length === 0 || name.length > 100) {
      throw new InvalidArgumentError(argument, "a type's name must have 1 to 100 characters");
    }
    const at = `${argument}.${name}`;
    const type = (value as Record<string, unknown>)[name];
    if (typeof type !== "object" || type === null) throw new InvalidArgumentError(at, `${at} must be an object`);
    const o = readOptionFields(
      type,
      ["durationMinutes", "bufferBeforeMinutes", "bufferAfterMinutes", "alignmentMinutes"],
      at,
    );
    if (o.durationMinutes === undefined)
      throw new InvalidArgumentError(`${at}.durationMinutes`, "durationMinutes is required");
    const buffer = (field: unknown, key: string) =>
      field === undefined
        ? null
        : integerOption(field, `appointmentTypes.${name}.${key}`, 0, 0, LONGEST_BUFFER_MINUTES);
    types.set(name, {
      name,
      durationMinutes: integerOption(
        o.durationMinutes,
        `appointmentTypes.${name}.durationMinutes`,
        30,
        1,
        LONGEST_DURATION_MINUTES,
      ),
      bufferBeforeMinutes: buffer(o.bufferBeforeMinutes, "bufferBeforeMinutes"),
      bufferAfterMinutes: buffer(o.bufferAfterMinutes, "bufferAfterMinutes"),
      alignmentMinutes:
        o.alignmentMinutes === undefined
          ? null
          : alignmentOption(o.alignmentMinutes, `appointmentTypes.${name}.alignmentMinutes`),
    });
  }
  return types;
}

/**
 * Reference days for comparing durations with calendar units: the first and the last day of each month of a
 * common and a leap year, where adding months or years lands on the shortest and the longest spans.
 */
const REFERENCE_DAYS = [2023, 2024].flatMap((year) =>
  Array.from({ length: 12 }, (_, i) => {
    const first = new Temporal.PlainDateTime(year, i + 1, 1);
    return [first, first.with({ day: first.daysInMonth })];
  }).flat(),
);

/** Whether `longer` reaches past `shorter` from every reference day: the window between them is never empty. */
function isLongerEverywhere(longer: Temporal.Duration, shorter: Temporal.Duration): boolean {
  return REFERENCE_DAYS.every((day) => Temporal.PlainDateTime.compare(day.add(longer), day.add(shorter)) > 0);
}

/** The grid of starts: the type's, when it sets one, else the policy's, in minutes. */
export function alignmentOf(policy: Policy, type?: AppointmentType): number {
  return type?.alignmentMinutes ?? policy.alignmentMinutes;
}

/**
 * True when `start` is on the grid (the type's, else the policy's) in its own (the user's) local time, with
 * zero seconds.
 */
export function isAligned(policy: Policy, start: Temporal.ZonedDateTime, type?: AppointmentType): boolean {
  return (
    start.second === 0 &&
    start.millisecond === 0 &&
    start.microsecond === 0 &&
    start.nanosecond === 0 &&
    (start.hour * 60 + start.minute) % alignmentOf(policy, type) === 0
  );
}

/**
 * The end of an appointment starting at `start`: exactly `durationMinutes` of elapsed time later (the type's,
 * when given).
 */
export function endOf(policy: Policy, start: Temporal.ZonedDateTime, type?: AppointmentType): Temporal.ZonedDateTime {
  return start.add({ minutes: type ? type.durationMinutes : policy.durationMinutes });
}

/**
 * The limit period that contains a day, as day counts since 1970-01-01: its first day and the first day
 * after it.
 */
export function periodDays(policy: Policy, day: number): [number, number] {
  switch (policy.limit.per) {
    case "day":
      return [day, day + 1];
    case "week": {
      const first = day - ((isoDayOfWeek(day) - policy.weekStartsOn + 7) % 7);
      return [first, first + 7];
    }
    case "month": {
      const { year, month } = civilDate(day);
      return [epochDayOf(year, month, 1), month === 12 ? epochDayOf(year + 1, 1, 1) : epochDayOf(year, month + 1, 1)];
    }
  }
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name} must be a boolean`);
  }
  return value;
}

function limitOption(value: unknown): Policy["limit"] {
  if (value === undefined) return { max: 1, per: "day" };
  const { max, per } =
    typeof value === "object" && value !== null
      ? readOptionFields(value, ["max", "per"], "options.policy.limit")
      : { max: undefined, per: undefined };
  if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 1000) {
    throw new InvalidArgumentError("options.policy.limit.max", "limit.max must be an integer from 1 to 1000");
  }
  if (per !== "day" && per !== "week" && per !== "month") {
    throw new InvalidArgumentError("options.policy.limit.per", 'limit.per must be "day", "week" or "month"');
  }
  return { max, per };
}

function durationOption(value: unknown, name: string): Temporal.Duration | null {
  if (value === undefined || value === null) return null;
  let duration: Temporal.Duration;
  try {
    duration = Temporal.Duration.from(value as Temporal.DurationLike | string);
  } catch (cause) {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name} must be a Temporal duration`, { cause });
  }
  if (duration.sign < 0) {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name} must not be negative`);
  }
  // Temporal accepts durations (300000 years) that cannot be added to any date; starts are years 0000–9999,
  // so nothing longer than that span is meaningful, and refusing it here keeps RangeErrors out of bookings.
  let end: Temporal.PlainDateTime | undefined;
  try {
    end = LONGEST_WINDOW_FROM.add(duration);
  } catch {
    end = undefined;
  }
  if (end === undefined || Temporal.PlainDateTime.compare(end, LONGEST_WINDOW_TO) > 0) {
    throw new InvalidArgumentError(`options.policy.${name}`, `${name} must be at most 10000 years`);
  }
  return duration;
}
