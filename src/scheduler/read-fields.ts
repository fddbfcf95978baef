/**
 * Reading the fields of a caller's object. A getter that throws, or a Proxy that is revoked or whose traps
 * throw, is still the caller's input: it must fail as an {@link InvalidArgumentError} naming the argument,
 * not escape as whatever it threw.
 *
 * An options object (of `createScheduler`, its `policy` and `limit`, a `list` range, every operation's
 * options) may hold only the keys its reader reads: a misspelt or misplaced key (`list(user, { signal })`,
 * whose signal belongs in the third argument) would otherwise be ignored without a word. Other objects read
 * here (a store, an appointment) are not options, and may have any other members.
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

/**
 * {@link readFields} of an options object: {@link rejectUnknownKeys} first, so that a key outside `keys`
 * is refused rather than ignored.
 */
export function readOptionFields<K extends string>(
  value: object,
  keys: readonly K[],
  argument: string,
  hint?: UnknownKeyHint,
): Record<K, unknown> {
  rejectUnknownKeys(value, keys, argument, hint);
  return readFields(value, keys, argument);
}

/** Where an unknown key of an options object belongs, if the reader knows (`"signal belongs in …"`). */
export type UnknownKeyHint = (key: string) => string | undefined;

/**
 * Throws {@link InvalidArgumentError} naming the first own enumerable string key of `value` that is not in
 * `known` (`range.signal`). Inherited keys (a class instance's prototype) and symbol keys are not options
 * and are not checked. Cheap enough for every operation: a `for…in` over the object's keys, with no
 * allocation while every key is known. A Proxy whose traps throw is {@link InvalidArgumentError} too.
 */
export function rejectUnknownKeys(
  value: object,
  known: readonly string[],
  argument: string,
  hint?: UnknownKeyHint,
): void {
  let unknown: string | undefined;
  try {
    for (const key in value) {
      // `known` first: the common case never asks whether a key is the object's own.
      if (!known.includes(key) && Object.hasOwn(value, key)) {
        unknown = key;
        break;
      }
    }
  } catch (cause) {
    throw new InvalidArgumentError(argument, `${argument} could not be read`, { cause });
  }
  if (unknown !== undefined) throw unknownKeyError(unknown, known, argument, hint?.(unknown));
}

/**
 * The keys of an options type `T`, as a list that must name every one of them: `optionKeys<ListOptions>()(
 * ["signal", "status"])` fails to compile once `ListOptions` gains a key that the list lacks, so that a new
 * option cannot be refused as unknown by its own reader.
 */
export function optionKeys<T extends object>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & MissingKeys<T, K>): readonly string[] => keys;
}

/** Nothing when `K` names every key of `T`; otherwise a type no list matches, naming what is missing. */
type MissingKeys<T, K extends readonly string[]> = [Exclude<keyof T, K[number]>] extends [never]
  ? unknown
  : { readonly missingKeys: Exclude<keyof T, K[number]> };

function unknownKeyError(
  key: string,
  known: readonly string[],
  argument: string,
  hint: string | undefined,
): InvalidArgumentError {
  const path = IDENTIFIER.test(key) ? `${argument}.${key}` : `${argument}[${JSON.stringify(shortened(key))}]`;
  const knownKeys = known.length === 0 ? "it takes no keys" : `it takes ${known.join(", ")}`;
  return new InvalidArgumentError(
    path,
    `${path} is not a known key of ${argument} (${knownKeys})${hint === undefined ? "" : `: ${hint}`}`,
  );
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;

/** A key short enough for a message: a caller's object may have a key of any length. */
function shortened(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}
