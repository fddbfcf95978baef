/**
 * What a caller's callback answered (a time-zone or resource resolver), settled: its value, or the value of
 * the promise or thenable it returned.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/**
 * What a callback returned, settled, in a box (so that no promise machinery reads it again): a value as it
 * is, a promise or thenable as it settles. The callback's own failures pass unchanged; a value whose `then`
 * cannot be read (a revoked `Proxy`) is {@link InvalidArgumentError} for `argument`, where the platform's
 * promises would reject with a bare `TypeError`.
 */
export function settledAnswer(value: unknown, argument: string): Promise<{ readonly value: unknown }> {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return Promise.resolve({ value });
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (cause) {
    return Promise.reject(
      new InvalidArgumentError(argument, `${argument} returned a value that could not be read`, { cause }),
    );
  }
  if (typeof then !== "function") return Promise.resolve({ value });
  return new Promise((resolve, reject) => {
    Reflect.apply(then, value, [(settled: unknown) => resolve(settledAnswer(settled, argument)), reject]);
  });
}
