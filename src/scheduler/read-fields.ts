/**
 * Reading the fields of a caller's object. A getter that throws, or a Proxy that is revoked or whose traps
 * throw, is still the caller's input: it must fail as an {@link InvalidArgumentError} naming the argument,
 * not escape as whatever it threw.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors/scheduler-errors.js";

/** Reads `keys` of `value` once, into a plain record; throws {@link InvalidArgumentError} for `argument`. */
export function readFields<K extends string>(value: object, keys: readonly K[], argument: string): Record<K, unknown> {
  const fields = {} as Record<K, unknown>;
  for (const key of keys) fields[key] = readField(value, key, argument);
  return fields;
}

/** {@link readFields} of one key, without building a record: for the options read on every operation. */
export function readField(value: object, key: string, argument: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (cause) {
    throw new InvalidArgumentError(argument, `${argument} could not be read`, { cause });
  }
}
