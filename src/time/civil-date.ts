/**
 * Calendar dates from day counts, by integer arithmetic: what the hot paths use instead of Temporal objects.
 *
 * @module
 */

/** Milliseconds in a day of UTC (no leap seconds, as in Temporal and `Date`). */
export const DAY_MS = 86_400_000;

/** The proleptic Gregorian date of a day count since 1970-01-01, by integer arithmetic alone. */
export function civilDate(epochDay: number): { year: number; month: number; day: number } {
  // Days since 0000-03-01, split into 400-year eras, so that leap days fall at the end of each year.
  const days = epochDay + 719_468;
  const era = Math.floor(days / 146_097);
  const dayOfEra = days - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `YYYY-MM-DD` of a day count since 1970-01-01 (proleptic Gregorian), by integer arithmetic alone. */
export function isoDate(epochDay: number): string {
  const { year, month, day } = civilDate(epochDay);
  return `${String(year).padStart(4, "0")}-${month < 10 ? "0" : ""}${month}-${day < 10 ? "0" : ""}${day}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (`month` 1–12), by integer arithmetic alone. */
export function epochDayOf(year: number, month: number, day: number): number {
  // The inverse of civilDate: years counted from March, so that a leap day ends its year.
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The ISO day of the week of a day count since 1970-01-01: Monday 1 … Sunday 7. */
export function isoDayOfWeek(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
}

/** Days in `month` (1–12) of `year`, proleptic Gregorian. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
