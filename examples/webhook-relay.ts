/**
 * A webhook relay: a worker that reads the scheduler's change feed after a saved cursor and delivers every
 * event to the URLs of `WEBHOOK_URLS`, signed as Standard Webhooks defines (https://www.standardwebhooks.com),
 * with the `standardwebhooks` library. It runs beside an example server, on the same store (`STORE`,
 * `DATA_DIR`, `DATABASE_URL`: see scheduler-from-env.ts).
 *
 * ```sh
 * npx tsx examples/webhook-relay.ts --new-secret      # prints a fresh WEBHOOK_SECRET
 * WEBHOOK_URLS=https://example.com/hooks WEBHOOK_SECRET=whsec_… npx tsx examples/webhook-relay.ts
 * ```
 *
 * What it promises (docs/webhooks.md has the settings, the payload and how a receiver verifies it):
 * - at least once: the cursor is saved (durably) only once its event was delivered to every URL, or written
 *   to the dead-letter file for the URLs that kept failing; a crash re-sends from the saved cursor;
 * - feed order: one event at a time, so each URL gets the events in commit order;
 * - one `webhook-id` per event and URL, the same on every retry and after a restart: the receiver's key to
 *   drop duplicates.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Scheduler } from "appointment-scheduler";
import {
  type ChangeJson,
  type ChangesBody,
  createAppointmentsHttpApi,
  type ErrorBody,
} from "appointment-scheduler/http";
import { Webhook } from "standardwebhooks";
import { InvalidSettingError, isMainModule, messageOf, schedulerFromEnv } from "./scheduler-from-env.js";

/** The relay's settings, from the environment by {@link relaySettingsFromEnv}. */
export interface RelaySettings {
  /** `WEBHOOK_URLS`: where every event goes, each an absolute `http:` or `https:` URL. */
  readonly urls: readonly string[];
  /** `WEBHOOK_SECRET`: `whsec_` and 24 to 64 random bytes in base64, shared with the receivers. */
  readonly secret: string;
  /** `RELAY_CURSOR_FILE`: the position of the last event done. Default `DATA_DIR/webhook-relay-cursor.json`. */
  readonly cursorFile: string;
  /**
   * `RELAY_DEAD_LETTER_FILE`: one JSON line per event given up on for a URL. Default
   * `DATA_DIR/webhook-dead-letter.jsonl`.
   */
  readonly deadLetterFile: string;
  /** `RELAY_MAX_ATTEMPTS`: attempts per event and URL before it is dead-lettered. Default 8. */
  readonly maxAttempts: number;
  /** `RELAY_BACKOFF_MS`: the wait after the first failed attempt; it doubles after each. Default 1000. */
  readonly backoffMs: number;
  /** `RELAY_BACKOFF_MAX_MS`: the longest wait between two attempts. Default 60000. */
  readonly backoffMaxMs: number;
  /** `RELAY_TIMEOUT_MS`: how long one attempt may take, answer included. Default 15000 (the spec: 15 to 30 s). */
  readonly timeoutMs: number;
  /** `RELAY_POLL_MS`: how often to look for new events once the feed is read to its end. Default 1000. */
  readonly pollMs: number;
}

/** Events read per page of the feed. */
const PAGE_SIZE = 100;
/** The longest a setting in milliseconds may be: one day. */
const MAX_MS = 86_400_000;

/**
 * The relay's settings of `env`, or an {@link InvalidSettingError} for the first that cannot be right (the
 * store's own settings are checked by `schedulerFromEnv`). An empty value is the default, as an unset one.
 */
export function relaySettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RelaySettings {
  const dataDir = env.DATA_DIR || ".data";
  const urls = urlsFromEnv(env.WEBHOOK_URLS);
  const secret = secretFromEnv(env.WEBHOOK_SECRET);
  const maxAttempts = integerFromEnv(env, "RELAY_MAX_ATTEMPTS", 8, 1, 1_000);
  const backoffMs = integerFromEnv(env, "RELAY_BACKOFF_MS", 1_000, 0, MAX_MS);
  return {
    urls,
    secret,
    cursorFile: env.RELAY_CURSOR_FILE || join(dataDir, "webhook-relay-cursor.json"),
    deadLetterFile: env.RELAY_DEAD_LETTER_FILE || join(dataDir, "webhook-dead-letter.jsonl"),
    maxAttempts,
    backoffMs,
    backoffMaxMs: integerFromEnv(env, "RELAY_BACKOFF_MAX_MS", Math.max(60_000, backoffMs), backoffMs, MAX_MS),
    timeoutMs: integerFromEnv(env, "RELAY_TIMEOUT_MS", 15_000, 1, MAX_MS),
    pollMs: integerFromEnv(env, "RELAY_POLL_MS", 1_000, 1, MAX_MS),
  };
}

/** `WEBHOOK_URLS`: one or more absolute http(s) URLs, comma-separated. */
function urlsFromEnv(value: string | undefined): string[] {
  const what = "one or more http:// or https:// URLs, comma-separated";
  if (value === undefined || value.trim() === "") {
    throw new InvalidSettingError("WEBHOOK_URLS", `WEBHOOK_URLS is required: ${what}`);
  }
  const urls = value.split(",").map((entry) => {
    const url = parsedUrl(entry.trim());
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new InvalidSettingError("WEBHOOK_URLS", `WEBHOOK_URLS must be ${what}, not ${JSON.stringify(entry)}`);
    }
    return url.href;
  });
  // Each URL has its own webhook-ids and its own attempts: listed twice, it would get every event twice.
  const twice = urls.find((url, index) => urls.indexOf(url) !== index);
  if (twice !== undefined) {
    throw new InvalidSettingError("WEBHOOK_URLS", `WEBHOOK_URLS lists ${JSON.stringify(twice)} twice`);
  }
  return urls;
}

/** `text` as an absolute URL, or `undefined` (`URL.parse` is Node.js 22's). */
function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * `WEBHOOK_SECRET`: a symmetric key as the spec serializes it, `whsec_` then base64 of 24 to 64 bytes. The
 * message never repeats the value: it is a secret, and error lines end up in logs.
 */
function secretFromEnv(value: string | undefined): string {
  const what = "whsec_ followed by 24 to 64 random bytes in base64 (--new-secret prints one)";
  if (value === undefined || value === "") {
    throw new InvalidSettingError("WEBHOOK_SECRET", `WEBHOOK_SECRET is required: ${what}`);
  }
  const base64 = value.startsWith("whsec_") ? value.slice("whsec_".length) : "";
  const bytes = Buffer.from(base64, "base64");
  // Node.js decodes leniently (it skips what is not base64): only text that encodes back to itself is exact.
  if (bytes.toString("base64") !== base64 || bytes.length < 24 || bytes.length > 64) {
    throw new InvalidSettingError("WEBHOOK_SECRET", `WEBHOOK_SECRET must be ${what}`);
  }
  return value;
}

/** A whole number of `setting` from `min` to `max`, or `fallback` when unset or empty. */
function integerFromEnv(env: NodeJS.ProcessEnv, setting: string, fallback: number, min: number, max: number): number {
  const value = env[setting];
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!/^[0-9]{1,10}$/.test(value) || number < min || number > max) {
    throw new InvalidSettingError(
      setting,
      `${setting} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/** A fresh `WEBHOOK_SECRET`: 32 random bytes, as the spec serializes a symmetric key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The body of every webhook: the Standard Webhooks envelope around one event of the feed. */
export interface WebhookPayload {
  /** `appointment.booked`, `appointment.rescheduled`, `appointment.cancelled`, `appointment.held`, … */
  readonly type: `appointment.${ChangeJson["type"]}`;
  /** When the change committed (the event's `at`), not when this attempt was made. */
  readonly timestamp: string;
  /** The event as `GET /api/changes` answers it. */
  readonly data: ChangeJson;
}

/** The text sent (and signed) for `change`: the same bytes on every attempt. */
export function webhookPayloadOf(change: ChangeJson): string {
  const payload: WebhookPayload = { type: `appointment.${change.type}`, timestamp: change.at, data: change };
  return JSON.stringify(payload);
}

/**
 * The `webhook-id` of the event at `position` for `url`: the same on every attempt and after a restart, so
 * that a receiver can drop what it has seen; another URL gets another id. A hash, because the spec wants no
 * `.` in it, and a feed position is opaque.
 */
export function webhookIdOf(url: string, position: string): string {
  return `msg_${createHash("sha256").update(`${url}\n${position}`).digest("base64url").slice(0, 32)}`;
}

/** Reads one page of the feed after `after`: the events, and where to read on. */
export type ChangeFeed = (after: string | null, limit: number, signal: AbortSignal) => Promise<ChangesBody>;

/** The feed could not be read: `status` is what the API answered (400 for a cursor of no feed, 503, …). */
export class FeedReadError extends Error {
  override readonly name = "FeedReadError";
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The change feed of `scheduler`, as the HTTP API's `GET /api/changes` answers it: its handler is called in
 * the process (no HTTP), as a service would be, so the webhooks carry exactly the JSON of that route.
 */
export function changeFeedOf(scheduler: Scheduler): ChangeFeed {
  let serverError: unknown;
  const api = createAppointmentsHttpApi(scheduler, {
    authenticate: () => ({ role: "service", subject: "webhook-relay" }),
    // Kept to be the cause of the FeedReadError below, rather than printed by the API's default reporter.
    onServerError: (error) => {
      serverError = error;
    },
  });
  const route = api.routes.find(({ name }) => name === "changes");
  if (!route) throw new Error("the HTTP API has no changes route");
  return async (after, limit) => {
    serverError = undefined;
    const query = new URLSearchParams({ limit: String(limit), ...(after === null ? {} : { after }) });
    const { status, body } = await route.handle({ query });
    if (status === 200) return body as ChangesBody;
    const { code, message } = body as ErrorBody;
    throw new FeedReadError(status, `${code}: ${message}`, serverError === undefined ? {} : { cause: serverError });
  };
}

/**
 * The position saved in `file`, or `null` when there is none yet (the relay then starts at the start of the
 * feed). A file that cannot be read or is not the relay's stops it: starting over would re-send everything.
 */
export function readCursor(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let after: unknown;
  try {
    after = (JSON.parse(text) as { after?: unknown } | null)?.after;
  } catch {
    // Not JSON: the same answer as JSON of another shape, below.
  }
  if (typeof after !== "string") throw new Error(`${file} is not a webhook relay cursor: ${JSON.stringify(text)}`);
  return after;
}

/**
 * Saves `position` in `file` so that it survives a crash and a power cut: written whole to a temporary file,
 * synced, then renamed over the old one (a rename is atomic: the file is always the old or the new cursor),
 * and the directory synced so that the rename itself is on disk.
 */
export function saveCursor(file: string, position: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, `${JSON.stringify({ after: position })}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncDirectory(dirname(file));
}

/** Syncs a directory's entries. Not possible on Windows (a directory cannot be opened there): skipped. */
function syncDirectory(directory: string): void {
  let fd: number;
  try {
    fd = openSync(directory, "r");
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** One line of the dead-letter file: an event given up on for one URL, and why. */
export interface DeadLetter {
  /** When it was given up on, RFC 3339. */
  readonly at: string;
  readonly url: string;
  readonly webhookId: string;
  /** Attempts made: 0 when the URL had answered 410 Gone to an earlier event. */
  readonly attempts: number;
  /** The last attempt's failure: `HTTP 500`, `timed out after 15000 ms`, `fetch failed: connect ECONNREFUSED …`. */
  readonly error: string;
  /** The payload, as it would have been sent: to replay it, sign it anew. */
  readonly payload: WebhookPayload;
}

/** Appends `letter` to `file` as one JSON line, synced before the cursor may move past its event. */
export function appendDeadLetter(file: string, letter: DeadLetter): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "a");
  try {
    writeSync(fd, `${JSON.stringify(letter)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** What became of one event for one URL; `stopped` when the relay was asked to stop before either. */
export type DeliveryOutcome = "delivered" | "dead-lettered" | "stopped";

/** What one attempt came to: a failure says why, and whether the URL asked for no more or for a pause. */
type Attempt =
  | { readonly outcome: "delivered" }
  | { readonly outcome: "stopped" }
  | { readonly outcome: "failed"; readonly error: string; readonly gone?: boolean; readonly retryAfterMs?: number };

/** Options of {@link WebhookRelay}. */
export interface WebhookRelayOptions {
  /** Where progress and failures are reported, one line each. Default `console.log`. */
  readonly log?: (line: string) => void;
  /** The random numbers of the back-off's jitter, in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The relay: delivers the events of `feed` after the cursor saved in `settings.cursorFile`, one at a time,
 * to every URL of `settings.urls`, and saves the cursor after each. Use {@link WebhookRelay.run} for a worker,
 * {@link WebhookRelay.drain} for one pass.
 */
export class WebhookRelay {
  readonly #feed: ChangeFeed;
  readonly #settings: RelaySettings;
  readonly #webhook: Webhook;
  readonly #log: (line: string) => void;
  readonly #random: () => number;
  /**
   * The signals of the attempts in flight, held until each ends. Node.js holds them only weakly (the timer
   * of `AbortSignal.timeout`, `AbortSignal.any`'s links, fetch's own: nodejs/node#55428): without this, a
   * garbage collection in the middle of an attempt can take them, and the timeout never ends it.
   */
  readonly #inFlight = new Set<AbortSignal>();
  /** URLs that answered 410 Gone: they asked for no more webhooks, so they get none until a restart. */
  readonly #gone = new Set<string>();
  #cursor: string | null;

  constructor(feed: ChangeFeed, settings: RelaySettings, options: WebhookRelayOptions = {}) {
    this.#feed = feed;
    this.#settings = settings;
    this.#webhook = new Webhook(settings.secret);
    this.#log = options.log ?? console.log;
    this.#random = options.random ?? Math.random;
    this.#cursor = readCursor(settings.cursorFile);
  }

  /** The position of the last event done (delivered or dead-lettered for every URL), as saved. */
  get cursor(): string | null {
    return this.#cursor;
  }

  /**
   * Delivers events until `stop` aborts, reading the feed again every `pollMs` once it is at its end, and
   * resolves then; the cursor stays before any event not done. A feed that cannot be read for a while (the
   * database restarts) is read again every `pollMs`.
   *
   * @throws FeedReadError for a saved cursor that is no position of this feed (400), and what
   *   {@link saveCursor} or {@link appendDeadLetter} throw: the relay cannot go on without its files.
   */
  async run(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        await this.drain(stop);
      } catch (error) {
        // Only a failure that may pass is waited out: a cursor the feed does not know (400) would fail for ever.
        if (!(error instanceof FeedReadError) || (error.status < 500 && error.status !== 408)) throw error;
        this.#log(`Could not read the change feed (${error.message}); trying again in ${this.#settings.pollMs} ms`);
      }
      await pause(this.#settings.pollMs, stop);
    }
  }

  /**
   * Delivers every event the feed holds now, page by page, saving the cursor after each, and resolves with
   * how many it did; earlier if `stop` aborts.
   */
  async drain(stop: AbortSignal = new AbortController().signal): Promise<number> {
    let done = 0;
    while (!stop.aborted) {
      const { changes } = await this.#feed(this.#cursor, PAGE_SIZE, stop);
      for (const change of changes) {
        if (!(await this.deliver(change, stop))) return done;
        saveCursor(this.#settings.cursorFile, change.position);
        this.#cursor = change.position;
        done++;
      }
      if (changes.length < PAGE_SIZE) break;
    }
    return done;
  }

  /**
   * Delivers `change` to every URL at once, and resolves `true` once each has it or has dead-lettered it;
   * `false` if `stop` aborted first. It does not save the cursor. The next event waits for every URL: one
   * cursor covers them all, so a URL that keeps failing holds the others back until it is dead-lettered.
   */
  async deliver(change: ChangeJson, stop: AbortSignal): Promise<boolean> {
    const payload = webhookPayloadOf(change);
    const outcomes = await Promise.all(
      this.#settings.urls.map((url) => this.#deliverTo(url, change.position, payload, stop)),
    );
    return outcomes.every((outcome) => outcome !== "stopped");
  }

  /** Attempts `payload` at `url` until it is delivered, dead-lettered, or the relay stops. */
  async #deliverTo(url: string, position: string, payload: string, stop: AbortSignal): Promise<DeliveryOutcome> {
    const { maxAttempts } = this.#settings;
    const webhookId = webhookIdOf(url, position);
    if (this.#gone.has(url)) {
      return this.#deadLetter({ url, webhookId, attempts: 0, error: "410 Gone earlier: not sent" }, payload);
    }
    let error = "";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const result = await this.#attempt(url, webhookId, payload, stop);
      if (result.outcome === "delivered" || result.outcome === "stopped") return result.outcome;
      error = result.error;
      if (result.gone) {
        this.#gone.add(url);
        this.#log(`${url} answered 410 Gone: no more webhooks to it until a restart (remove it from WEBHOOK_URLS)`);
        return this.#deadLetter({ url, webhookId, attempts: attempt, error }, payload);
      }
      if (attempt === maxAttempts) break;
      const wait = Math.max(this.#backoff(attempt), result.retryAfterMs ?? 0);
      this.#log(`Attempt ${attempt} of ${maxAttempts} of ${webhookId} to ${url} failed: ${error}; next in ${wait} ms`);
      if (!(await pause(wait, stop))) return "stopped";
    }
    return this.#deadLetter({ url, webhookId, attempts: maxAttempts, error }, payload);
  }

  /** One signed POST, bounded by `timeoutMs`, and what it means. */
  async #attempt(url: string, webhookId: string, payload: string, stop: AbortSignal): Promise<Attempt> {
    if (stop.aborted) return { outcome: "stopped" };
    const { timeoutMs, backoffMaxMs } = this.#settings;
    // Signed anew for each attempt: webhook-timestamp is when the attempt is made (the receiver refuses old
    // ones, against replays), while the payload's own timestamp stays the event's.
    const now = new Date();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([stop, timeout]);
    this.#inFlight.add(timeout).add(signal);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "appointment-scheduler-webhook-relay",
          "webhook-id": webhookId,
          "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
          "webhook-signature": this.#webhook.sign(webhookId, now, payload),
        },
        body: payload,
        // The spec counts a 3xx as a failure: the URL should be updated, not followed on every event.
        redirect: "manual",
        signal,
      });
      // The answer's body means nothing to the relay; discarding it frees the connection.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { outcome: "delivered" };
      const retryAfterMs = retryAfterMsOf(response.headers.get("retry-after"), backoffMaxMs);
      return {
        outcome: "failed",
        error: `HTTP ${response.status}`,
        gone: response.status === 410,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      if (stop.aborted) return { outcome: "stopped" };
      return { outcome: "failed", error: failureOf(error, timeoutMs) };
    } finally {
      this.#inFlight.delete(timeout);
      this.#inFlight.delete(signal);
    }
  }

  /**
   * The wait after failed attempt number `attempt` (from 1): `backoffMs` doubled after each attempt, capped
   * at `backoffMaxMs`, of which a random half ("equal jitter"): retries of many relays, or of one relay to
   * several URLs on one host, do not arrive in step, and none comes sooner than half the back-off.
   */
  #backoff(attempt: number): number {
    const { backoffMs, backoffMaxMs } = this.#settings;
    const ceiling = Math.min(backoffMaxMs, backoffMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(ceiling / 2 + (this.#random() * ceiling) / 2);
  }

  #deadLetter(letter: Pick<DeadLetter, "url" | "webhookId" | "attempts" | "error">, payload: string): DeliveryOutcome {
    appendDeadLetter(this.#settings.deadLetterFile, {
      at: new Date().toISOString(),
      ...letter,
      payload: JSON.parse(payload) as WebhookPayload,
    });
    this.#log(`Gave up on ${letter.webhookId} to ${letter.url} (${letter.error}): in ${this.#settings.deadLetterFile}`);
    return "dead-lettered";
  }
}

/** `Retry-After` in seconds (429, 503), in milliseconds and at most `maxMs`; a date or nothing is `undefined`. */
function retryAfterMsOf(header: string | null, maxMs: number): number | undefined {
  if (header === null || !/^[0-9]{1,9}$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, maxMs);
}

/** Why a request failed, on one line: `timed out after 500 ms`, `fetch failed: connect ECONNREFUSED …`. */
function failureOf(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `timed out after ${timeoutMs} ms`;
  return messageOf(error);
}

/** Waits `ms`, and resolves `true`; `false` at once if `stop` aborts. */
async function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: stop });
    return true;
  } catch {
    return false;
  }
}

/**
 * The command: `--new-secret` prints a fresh secret; otherwise the relay runs on the store of the
 * environment until SIGINT or SIGTERM, and exits with code 0 once the attempt in flight is abandoned (its
 * event is sent again at the next start). A bad setting, a store that cannot be opened or a cursor of no
 * feed stops it with one line on stderr and exit code 1.
 */
async function main(): Promise<void> {
  if (process.argv.includes("--new-secret")) {
    console.log(newWebhookSecret());
    return;
  }
  let settings: RelaySettings;
  let store: Awaited<ReturnType<typeof schedulerFromEnv>>;
  try {
    settings = relaySettingsFromEnv(process.env);
    store = await schedulerFromEnv(process.env);
  } catch (error) {
    const what = error instanceof InvalidSettingError ? "Invalid setting" : "Could not open the appointment store";
    console.error(`${what}: ${messageOf(error)}`);
    process.exitCode = 1;
    return;
  }
  const stopping = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.log(`${signal} received: stopping; the event in flight is sent again at the next start`);
      stopping.abort();
    });
  }
  let failed = false;
  try {
    const relay = new WebhookRelay(changeFeedOf(store.scheduler), settings);
    const from = relay.cursor === null ? "the start of the feed" : `after ${relay.cursor}`;
    console.log(
      `Webhook relay delivering the changes of ${store.storage} from ${from} to ${settings.urls.join(", ")} (Ctrl+C to stop)`,
    );
    await relay.run(stopping.signal);
  } catch (error) {
    console.error(`Webhook relay stopped: ${messageOf(error)}`);
    failed = true;
  }
  await store.close();
  console.log("Stopped");
  // An exit now, not when the event loop empties: fetch keeps idle connections open for a few seconds.
  process.exit(failed ? 1 : 0);
}

if (isMainModule(import.meta.url)) void main();
