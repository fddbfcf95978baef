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
  type InsertAppointmentRequest,
  type InsertAppointmentResult,
  MemoryStore,
  type RecordRange,
  type StoreOperationOptions,
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

/** POSTs `{"appointment": start}` as JSON. */
export function book(baseUrl: string, userId: string | number, start: string): Promise<RawResponse> {
  return send(baseUrl, {
    method: "POST",
    path: `/api/appointments/${userId}`,
    headers: { "Content-Type": "application/json" },
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
 * A store whose every operation waits `ms` before doing its work in memory, and gives up (without having
 * written) when the caller's signal fires, as the store contract allows.
 */
export class SlowStore implements AppointmentStore {
  readonly #memory = new MemoryStore();
  readonly #ms: number;
  constructor(ms: number) {
    this.#ms = ms;
  }
  async insertAppointment(request: InsertAppointmentRequest, options?: StoreOperationOptions) {
    await sleep(this.#ms, undefined, { signal: options?.signal });
    return this.#memory.insertAppointment(request);
  }
  async listAppointments(userId: string, range: RecordRange, options?: StoreOperationOptions) {
    await sleep(this.#ms, undefined, { signal: options?.signal });
    return this.#memory.listAppointments(userId, range);
  }
  async getAppointment(userId: string, id: string, options?: StoreOperationOptions) {
    await sleep(this.#ms, undefined, { signal: options?.signal });
    return this.#memory.getAppointment(userId, id);
  }
  async deleteAppointment(userId: string, id: string, options?: StoreOperationOptions) {
    await sleep(this.#ms, undefined, { signal: options?.signal });
    return this.#memory.deleteAppointment(userId, id);
  }
}

/** A store whose inserts take `ms` and cannot be abandoned: they commit even after the caller's deadline. */
export class LateCommitStore extends MemoryStore {
  readonly #ms: number;
  constructor(ms: number) {
    super();
    this.#ms = ms;
  }
  override async insertAppointment(request: InsertAppointmentRequest): Promise<InsertAppointmentResult> {
    await sleep(this.#ms);
    return super.insertAppointment(request);
  }
}

/** The detail a failing store's error carries, which must never reach a client. */
export const STORE_SECRET = "connect ECONNREFUSED 10.1.2.3:5432 (password=hunter2)";

/** A store that cannot be reached: every operation rejects with its driver's error. */
export class UnreachableStore implements AppointmentStore {
  async insertAppointment(): Promise<InsertAppointmentResult> {
    throw Object.assign(new Error(STORE_SECRET), { code: "ECONNREFUSED" });
  }
  async listAppointments(): Promise<AppointmentRecord[]> {
    throw Object.assign(new Error(STORE_SECRET), { code: "ECONNREFUSED" });
  }
  async getAppointment(): Promise<AppointmentRecord | null> {
    throw Object.assign(new Error(STORE_SECRET), { code: "ECONNREFUSED" });
  }
  async deleteAppointment(): Promise<AppointmentRecord | null> {
    throw Object.assign(new Error(STORE_SECRET), { code: "ECONNREFUSED" });
  }
}

/** A store that answers, but with records outside its contract (times that are not numbers). */
export class GarbageStore extends MemoryStore {
  override async listAppointments(userId: string): Promise<AppointmentRecord[]> {
    return [{ id: "x", userId, startMs: Number.NaN, endMs: "soon", periods: [] } as unknown as AppointmentRecord];
  }
}
