/**
 * What the HTTP conformance suite needs besides the examples: a raw HTTP client (no fetch: it must send any
 * method, any header and bytes that are not UTF-8, and stall a body on purpose) and stores that fail on
 * demand, injected through the public `createScheduler({ store })`.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type AppointmentRecord,
  type AppointmentStore,
  type ChangeQuery,
  type ChangeRecord,
  MemoryStore,
  OperationAbortedError,
  OperationTimedOutError,
  type RecordQuery,
  type ResourceRecordQuery,
  type StoreOperationOptions,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";

/** A request as the client sends it. `body` is sent with a `Content-Length` unless `chunked`. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Send the body in two chunks with `Transfer-Encoding: chunked` (no declared length). */
  readonly chunked?: boolean;
}

/** A response as received: status, headers, raw text, and the parsed JSON when the text is JSON. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: unknown;
}

/** Sends `request` to `baseUrl` on a fresh connection and reads the whole response. */
export function send(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<RawResponse>((resolve, reject) => {
    const body = request.body;
    // Node.js declares a body's length only for methods that usually have one: say it for every method.
    const framing =
      body === undefined
        ? {}
        : request.chunked
          ? { "Transfer-Encoding": "chunked" }
          : { "Content-Length": String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength) };
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...framing },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
      },
    );
    req.on("error", reject);
    if (body === undefined) {
      req.end();
    } else if (request.chunked) {
      const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      req.write(bytes.subarray(0, half));
      req.end(bytes.subarray(half));
    } else {
      req.end(body);
    }
  });
}

/**
 * Sends the headers and the first `sent` bytes of a body declared `declaredLength` long, then stalls; resolves
 * with the response the server gives meanwhile, and closes the connection.
 */
export function sendStalledBody(baseUrl: string, path: string, sent: string, declaredLength: number) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method: "POST",
        path,
        headers: { "Content-Type": "application/json", "Content-Length": String(declaredLength) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) });
        });
      },
    );
    req.on("error", reject);
    req.write(sent);
  });
}

/** Sends part of a body, then drops the connection without waiting for an answer. */
export async function sendAndDisconnect(baseUrl: string, path: string): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  const req = httpRequest({
    host: hostname,
    port,
    method: "POST",
    path,
    headers: { "Content-Type": "application/json", "Content-Length": "100" },
    agent: false,
  });
  req.on("error", () => {});
  req.write('{"appointment":');
  await sleep(50);
  req.destroy();
  await sleep(50);
}

/** POSTs `{"appointment": start}` as JSON, with an `Idempotency-Key` header when `idempotencyKey` is given. */
export function book(
  baseUrl: string,
  userId: string | number,
  start: string,
  idempotencyKey?: string,
): Promise<RawResponse> {
  return send(baseUrl, {
    method: "POST",
    path: `/api/appointments/${userId}`,
    headers: {
      "Content-Type": "application/json",
      ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }),
    },
    body: JSON.stringify({ appointment: start }),
  });
}

/** GETs the user's appointments. */
export function list(baseUrl: string, userId: string | number): Promise<RawResponse> {
  return send(baseUrl, { method: "GET", path: `/api/appointments/${userId}` });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Waits `ms`, or gives up when the caller's signal fires, with the typed error the store contract asks of a
 * store that stops before writing (`TIMED_OUT` for a deadline, `ABORTED` otherwise).
 */
async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal?.aborted) throw error;
    const reason = signal.reason as { name?: unknown } | undefined;
    throw reason?.name === "TimeoutError"
      ? new OperationTimedOutError({ cause: reason })
      : new OperationAbortedError({ cause: reason });
  }
}

/**
 * A store whose every operation waits `ms` before doing its work in memory, and gives up (without having
 * written) when the caller's signal fires, as the store contract allows.
 */
export class SlowStore implements AppointmentStore {
  readonly #memory = new MemoryStore();
  readonly #ms: number;
  constructor(ms: number) {
    this.#ms = ms;
  }
  async write(request: WriteRequest, options?: StoreOperationOptions): Promise<WriteResult> {
    await wait(this.#ms, options?.signal);
    return this.#memory.write(request);
  }
  async listAppointments(userId: string, query: RecordQuery, options?: StoreOperationOptions) {
    await wait(this.#ms, options?.signal);
    return this.#memory.listAppointments(userId, query);
  }
  async listResourceAppointments(resourceId: string, query: ResourceRecordQuery, options?: StoreOperationOptions) {
    await wait(this.#ms, options?.signal);
    return this.#memory.listResourceAppointments(resourceId, query);
  }
  async getAppointment(userId: string, id: string, options?: StoreOperationOptions) {
    await wait(this.#ms, options?.signal);
    return this.#memory.getAppointment(userId, id);
  }
  async readChanges(query: ChangeQuery, options?: StoreOperationOptions): Promise<ChangeRecord[]> {
    await wait(this.#ms, options?.signal);
    return this.#memory.readChanges(query);
  }
  async purgeExpired(nowMs: number, options?: StoreOperationOptions): Promise<number> {
    await wait(this.#ms, options?.signal);
    return this.#memory.purgeExpired(nowMs);
  }
  /** The user's records, cancelled ones too, read at once (without the delay). */
  records(userId: string): Promise<AppointmentRecord[]> {
    return this.#memory.listAppointments(userId, { status: "all" });
  }
}

/**
 * A store whose next `lateWrites` writes take `ms` and cannot be abandoned: they commit even after the
 * caller's deadline (a database that froze mid-request, then thawed). Later writes are immediate.
 */
export class LateCommitStore extends MemoryStore {
  readonly #ms: number;
  #lateWrites: number;
  readonly #pending = new Set<Promise<unknown>>();
  constructor(ms: number, lateWrites = 1) {
    super();
    this.#ms = ms;
    this.#lateWrites = lateWrites;
  }
  override write(request: WriteRequest): Promise<WriteResult> {
    if (this.#lateWrites <= 0) return super.write(request);
    this.#lateWrites--;
    const late = sleep(this.#ms).then(() => super.write(request));
    this.#pending.add(late);
    void late.finally(() => this.#pending.delete(late));
    return late;
  }
  /** Resolves once every late write has committed. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }
}

/** The detail a failing store's error carries, which must never reach a client. */
export const STORE_SECRET = "connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2)";

const unreachable = () => Object.assign(new Error(STORE_SECRET), { code: "ECONNREFUSED" });

/**
 * A store that cannot be reached: every operation rejects with its driver's error. (For a write, a driver's
 * error does not say whether the write committed: the scheduler reports `OUTCOME_UNKNOWN`.)
 */
export class UnreachableStore implements AppointmentStore {
  async write(): Promise<WriteResult> {
    throw unreachable();
  }
  async listAppointments(): Promise<AppointmentRecord[]> {
    throw unreachable();
  }
  async listResourceAppointments(): Promise<AppointmentRecord[]> {
    throw unreachable();
  }
  async getAppointment(): Promise<AppointmentRecord | null> {
    throw unreachable();
  }
  async readChanges(): Promise<ChangeRecord[]> {
    throw unreachable();
  }
  async purgeExpired(): Promise<number> {
    throw unreachable();
  }
}

/** A store that answers, but with records outside its contract (times that are not numbers). */
export class GarbageStore extends MemoryStore {
  override async listAppointments(userId: string): Promise<AppointmentRecord[]> {
    return [{ id: "x", userId, startMs: Number.NaN, endMs: "soon" } as unknown as AppointmentRecord];
  }
}
