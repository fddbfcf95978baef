/**
 * Sends every request docs/openapi.yaml documents (each operation with its example parameters and bodies)
 * to every example server, and checks each answer against the document: once with the API open, as the
 * examples run by default, and once with an authentication hook, so that the staff and service routes
 * answer too, and 401 and 403 are answered where the document says. Each example request runs on a fresh
 * store, seeded with appointments of every kind, so that it succeeds and its answer is a full one.
 */
import {
  type AppointmentStore,
  type ChangeQuery,
  createScheduler,
  MemoryStore,
  type RecordQuery,
  type ResourceRecordQuery,
  type Scheduler,
  type WriteRequest,
} from "appointment-scheduler";
import { type Authenticate, ROUTES } from "appointment-scheduler/http";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExpressServer } from "../../examples/express.js";
import { startFastifyServer } from "../../examples/fastify.js";
import { startHonoServer } from "../../examples/hono.js";
import { startKoaServer } from "../../examples/koa.js";
import { startNodeHttpServer } from "../../examples/node-http.js";
import type { RunningServer, ServerOptions } from "../../examples/scheduler-from-env.js";
import {
  createOpenApiChecker,
  OPERATION_METHODS,
  type OpenApiOperation,
  readOpenApiDocument,
  resolve,
} from "./openapi-checker.js";
import { type RawRequest, type RawResponse, send } from "./support.js";

const document = readOpenApiDocument();
const openApi = createOpenApiChecker(document);

const TARGETS = [
  ["Express", startExpressServer],
  ["Fastify", startFastifyServer],
  ["Hono", startHonoServer],
  ["Koa", startKoaServer],
  ["node:http", startNodeHttpServer],
] as const satisfies readonly (readonly [string, (options: ServerOptions) => Promise<RunningServer>])[];

/** The credentials the test's authentication hook knows. */
const CREDENTIALS = {
  service: "Bearer service",
  staff: "Bearer staff",
  user1: "Bearer user-1",
  forged: "Bearer forged",
} as const;

const authenticate: Authenticate = (headers) => {
  switch (headers.authorization) {
    case CREDENTIALS.service:
      return { role: "service" };
    case CREDENTIALS.staff:
      return { role: "staff" };
    case CREDENTIALS.user1:
      return { role: "user", userId: "1" };
    default:
      return null;
  }
};

// ---------------------------------------------------------------------------------------------------------
// The document's operations and their example requests.

interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required?: boolean;
  readonly deprecated?: boolean;
  readonly explode?: boolean;
  readonly example?: unknown;
  readonly schema?: { readonly type?: string };
  /** A query parameter that names one of the user's appointments (`moving`): filled with a made one's id. */
  readonly "x-appointment-id"?: boolean;
}

interface RequestBodyObject {
  readonly required?: boolean;
  readonly content: Record<
    string,
    { example?: unknown; examples?: Record<string, { value?: unknown; $ref?: string }> }
  >;
}

interface DocumentedOperation {
  readonly name: string;
  readonly method: string;
  readonly template: string;
  readonly operation: OpenApiOperation;
  readonly parameters: readonly Parameter[];
  /** The status of its success: its one 2xx response. */
  readonly success: number;
  /** Whether it needs credentials even on an open API (its `security` has no anonymous alternative). */
  readonly needsCredentials: boolean;
}

/** One request built from the document's examples, before an appointment id is filled in. */
interface ExampleRequest {
  readonly operation: DocumentedOperation;
  readonly what: string;
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const deref = <T>(node: unknown): T => {
  const ref = (node as { $ref?: string } | undefined)?.$ref;
  return (ref === undefined ? node : resolve(document, ref)) as T;
};

const OPERATIONS: DocumentedOperation[] = Object.entries(document.paths).flatMap(([template, item]) =>
  OPERATION_METHODS.filter((method) => item[method] !== undefined).map((method) => {
    const operation = item[method] as OpenApiOperation;
    const parameters = [...((item.parameters as unknown[] | undefined) ?? []), ...(operation.parameters ?? [])].map(
      (parameter) => deref<Parameter>(parameter),
    );
    const successes = Object.keys(operation.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
    const security = operation.security ?? (document as { security?: Record<string, unknown>[] }).security ?? [];
    return {
      name: operation.operationId ?? `${method} ${template}`,
      method: method.toUpperCase(),
      template,
      operation,
      parameters,
      success: Number(successes[0]),
      needsCredentials: security.length > 0 && !security.some((requirement) => Object.keys(requirement).length === 0),
    };
  }),
);

const operationNamed = (name: string): DocumentedOperation => {
  const found = OPERATIONS.find((operation) => operation.name === name);
  if (!found) throw new Error(`docs/openapi.yaml has no operation ${name}`);
  return found;
};

/** A parameter's example as the query or a header carries it. */
function exampleValues(parameter: Parameter): string[] {
  const example = parameter.example;
  if (example === undefined) throw new Error(`parameter ${parameter.in} ${parameter.name} has no example`);
  if (Array.isArray(example)) return parameter.explode === false ? [example.join(",")] : example.map(String);
  return [String(example)];
}

/** The request body's examples, by name. */
function bodyExamples(operation: OpenApiOperation): [string, unknown][] {
  const body = deref<RequestBodyObject | undefined>(operation.requestBody);
  const json = body?.content["application/json"];
  if (!json) return [];
  if (json.examples)
    return Object.entries(json.examples).map(([name, example]) => [name, deref<{ value: unknown }>(example).value]);
  return json.example === undefined ? [] : [["example", json.example]];
}

/**
 * The documented requests of an operation: every body example with the required parameters; each optional
 * parameter on its own; then every optional parameter that is not deprecated, together. A body that is not
 * required is also left out once.
 */
function exampleRequests(operation: DocumentedOperation): ExampleRequest[] {
  const bodies = bodyExamples(operation.operation);
  const bodyRequired = deref<RequestBodyObject | undefined>(operation.operation.requestBody)?.required === true;
  const pathParams = Object.fromEntries(
    operation.parameters.filter((p) => p.in === "path").map((p) => [p.name, exampleValues(p)[0] as string]),
  );
  const required = operation.parameters.filter((p) => p.in !== "path" && p.required);
  const optional = operation.parameters.filter((p) => p.in !== "path" && !p.required);
  const build = (what: string, parameters: readonly Parameter[], body: [string, unknown] | undefined) => {
    const query = parameters
      .filter((p) => p.in === "query")
      .flatMap((p) => exampleValues(p).map((value) => [p.name, value] as const));
    const headers: Record<string, string> = Object.fromEntries(
      parameters.filter((p) => p.in === "header").map((p) => [p.name, exampleValues(p)[0] as string]),
    );
    if (body) headers["Content-Type"] = "application/json";
    return {
      operation,
      what: body ? `${what}, body ${body[0]}` : what,
      pathParams,
      query,
      headers,
      ...(body ? { body: JSON.stringify(body[1]) } : {}),
    };
  };
  const firstBody = bodyRequired ? bodies[0] : undefined;
  const requests: ExampleRequest[] = [
    ...bodies.map((body) => build("required parameters", required, body)),
    ...(bodyRequired ? [] : [build("required parameters", required, undefined)]),
    ...optional.map((parameter) => build(`${parameter.in} ${parameter.name}`, [...required, parameter], firstBody)),
    // A parameter naming an appointment (`moving`) takes the place of others (`resource`, `type`): alone only.
    build(
      "every parameter",
      [...required, ...optional.filter((p) => !p.deprecated && !p["x-appointment-id"])],
      bodies[0],
    ),
  ];
  const seen = new Set<string>();
  return requests.filter(({ query, headers, body }) => {
    const key = JSON.stringify([query, headers, body]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The scheduler: two practitioners, two appointment types, a clock before the examples' dates, and a store
// that starts afresh for each example request.

/** A store that delegates to a fresh `MemoryStore` after each {@link reset} (which ignores signals). */
class FreshStore implements AppointmentStore {
  #memory = new MemoryStore();
  reset(): void {
    this.#memory = new MemoryStore();
  }
  write(request: WriteRequest) {
    return this.#memory.write(request);
  }
  listAppointments(userId: string, query: RecordQuery) {
    return this.#memory.listAppointments(userId, query);
  }
  listResourceAppointments(resourceId: string, query: ResourceRecordQuery) {
    return this.#memory.listResourceAppointments(resourceId, query);
  }
  getAppointment(userId: string, id: string) {
    return this.#memory.getAppointment(userId, id);
  }
  readChanges(query: ChangeQuery) {
    return this.#memory.readChanges(query);
  }
  purgeExpired(nowMs: number) {
    return this.#memory.purgeExpired(nowMs);
  }
}

const weekdays = (hours: readonly (readonly [string, string])[]) => ({
  monday: hours,
  tuesday: hours,
  wednesday: hours,
  thursday: hours,
  friday: hours,
});

function clinic() {
  const store = new FreshStore();
  const scheduler = createScheduler({
    store,
    // Before every date of the examples, which are then in the future: cancellable, movable, holds live.
    now: () => Temporal.Instant.from("2021-04-01T09:00:00Z"),
    policy: { appointmentTypes: { checkup: { durationMinutes: 30 }, consult: { durationMinutes: 60 } } },
    resources: {
      "dr-lee": { timeZone: "UTC", weeklyHours: weekdays([["09:00", "17:00"]]), bufferAfterMinutes: 15 },
      "dr-kim": { timeZone: "UTC", weeklyHours: weekdays([["09:00", "17:00"]]) },
    },
  });
  return { store, scheduler };
}

/**
 * Appointments of every kind, away from the examples' times (the user's other dates, another user on
 * 22 April): booked with a resource, type and metadata, then moved; cancelled with a reason; held; a hold
 * released and one confirmed. The change feed then has every type of event.
 */
async function seed(scheduler: Scheduler): Promise<void> {
  await scheduler.book(43, "2021-04-22 09:00", { resource: "dr-lee", type: "consult" });
  const visit = await scheduler.book(42, "2021-04-26 10:00", {
    resource: "dr-lee",
    type: "consult",
    metadata: { reason: "Follow-up", room: 3 },
    idempotencyKey: "seed-visit",
  });
  await scheduler.reschedule(42, visit.id, "2021-04-26 11:00");
  const cancelled = await scheduler.book(42, "2021-04-27 09:00");
  await scheduler.cancel(42, cancelled.id, { reason: "Feeling better" });
  await scheduler.hold(42, "2021-04-28 09:00", { resource: "dr-kim", type: "checkup", ttl: "PT10M" });
  const released = await scheduler.hold(42, "2021-04-29 09:00");
  await scheduler.release(42, released.id);
  const confirmed = await scheduler.hold(42, "2021-04-30 09:00", { resource: "dr-kim" });
  await scheduler.confirm(42, confirmed.id);
}

// ---------------------------------------------------------------------------------------------------------

function pathOf(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

function rawRequest(
  example: ExampleRequest,
  overrides: {
    pathParams?: Record<string, string>;
    authorization?: string | undefined;
    method?: string;
    appointmentId?: string;
  } = {},
): RawRequest {
  const params = { ...example.pathParams, ...overrides.pathParams };
  const idParams = new Set(example.operation.parameters.filter((p) => p["x-appointment-id"]).map((p) => p.name));
  const query = new URLSearchParams(
    example.query.map(([name, value]): [string, string] => [
      name,
      idParams.has(name) && overrides.appointmentId !== undefined ? overrides.appointmentId : value,
    ]),
  ).toString();
  return {
    method: overrides.method ?? example.operation.method,
    path: `${pathOf(example.operation.template, params)}${query === "" ? "" : `?${query}`}`,
    headers: {
      ...example.headers,
      ...(overrides.authorization === undefined ? {} : { Authorization: overrides.authorization }),
    },
    ...(example.body === undefined || overrides.method === "HEAD" ? {} : { body: example.body }),
  };
}

/** The operation that makes the appointment an operation on `{id}` acts on: a hold for those of holds. */
const MAKES_ID: Readonly<Record<string, string>> = { confirmHold: "holdAppointment", releaseHold: "holdAppointment" };

interface Session {
  readonly url: string;
  readonly store: FreshStore;
  readonly scheduler: Scheduler;
  /** The operations answered with their documented success status. */
  readonly succeeded: Set<string>;
}

/** Sends `request`, checks the answer against the document and the expected status, and records a success. */
async function exchange(session: Session, request: RawRequest, expected: number, what: string): Promise<RawResponse> {
  const response = await send(session.url, request);
  openApi.check(request, response);
  expect(response.status, `${what}: ${request.method} ${request.path} → ${response.text}`).toBe(expected);
  return response;
}

/**
 * Sends one example request on a fresh, seeded store: first, for an operation on `{id}`, the example that
 * makes an appointment (with the same user and credentials), whose id then fills the path.
 */
async function sendExample(
  session: Session,
  example: ExampleRequest,
  options: { authorization?: string; userId?: string; expected: number; method?: string },
): Promise<RawResponse> {
  session.store.reset();
  await seed(session.scheduler);
  const pathParams: Record<string, string> = options.userId === undefined ? {} : { userId: options.userId };
  const what = `${example.operation.name} (${example.what})`;
  const namesAppointment = example.operation.parameters.some(
    (p) => p["x-appointment-id"] && example.query.some(([name]) => name === p.name),
  );
  let appointmentId: string | undefined;
  if (example.operation.template.includes("{id}") || namesAppointment) {
    const maker = operationNamed(MAKES_ID[example.operation.name] ?? "bookAppointment");
    const [making] = exampleRequests(maker);
    if (!making) throw new Error(`${maker.name} has no example request`);
    // Made by a service, which may act on any user (an open API ignores the header).
    const makingRequest = rawRequest(making, { pathParams, authorization: CREDENTIALS.service });
    const made = await exchange(session, makingRequest, maker.success, `making the appointment for ${what}`);
    appointmentId = (made.json as { id: string }).id;
    if (example.operation.template.includes("{id}")) pathParams.id = appointmentId;
  }
  const request = rawRequest(example, {
    pathParams,
    ...(appointmentId === undefined ? {} : { appointmentId }),
    authorization: options.authorization,
    ...(options.method === undefined ? {} : { method: options.method }),
  });
  const response = await exchange(session, request, options.expected, what);
  if (response.status === example.operation.success) {
    session.succeeded.add(example.operation.name);
    if (response.status === 201) {
      const { id, user_id } = response.json as { id: string; user_id: string };
      expect(response.headers.location).toBe(`/api/appointments/${user_id}/${encodeURIComponent(id)}`);
    }
  }
  return response;
}

describe("docs/openapi.yaml", () => {
  it("has one operation per route of ROUTES, named as the route, on its path and method", () => {
    const documented = OPERATIONS.map(({ name, method, template }) => `${name} ${method} ${template}`).sort();
    const routes = ROUTES.map(
      ({ name, method, path }) => `${name} ${method} ${path.replace(/:([A-Za-z]+)/g, "{$1}")}`,
    ).sort();
    expect(documented).toEqual(routes);
  });

  it.each(OPERATIONS.map((operation) => [operation.name, operation] as const))(
    "%s has a success status, an example for each parameter, and example requests",
    (_, operation) => {
      expect([200, 201]).toContain(operation.success);
      for (const parameter of operation.parameters) expect(exampleValues(parameter).length).toBeGreaterThan(0);
      const requests = exampleRequests(operation);
      expect(requests.length).toBeGreaterThan(0);
      if (operation.operation.requestBody) expect(bodyExamples(operation.operation).length).toBeGreaterThan(0);
    },
  );
});

describe.concurrent.each(TARGETS)("%s: every documented request", (_, start) => {
  const open = { url: "", succeeded: new Set<string>(), ...clinic() };
  const guarded = { url: "", succeeded: new Set<string>(), ...clinic() };
  const servers: RunningServer[] = [];
  const reported: unknown[] = [];

  beforeAll(async () => {
    const onServerError = (error: unknown) => reported.push(error);
    const [openServer, guardedServer] = await Promise.all([
      start({ scheduler: open.scheduler, port: 0, host: "127.0.0.1", http: { onServerError } }),
      start({ scheduler: guarded.scheduler, port: 0, host: "127.0.0.1", http: { onServerError, authenticate } }),
    ]);
    servers.push(openServer, guardedServer);
    open.url = openServer.url;
    guarded.url = guardedServer.url;
  });
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  it("on an open API: the user's routes answer their success, HEAD too, and the staff routes 401", async () => {
    for (const operation of OPERATIONS) {
      const expected = operation.needsCredentials ? 401 : operation.success;
      for (const example of exampleRequests(operation)) {
        await sendExample(open, example, { expected });
        if (operation.method === "GET") await sendExample(open, example, { expected, method: "HEAD" });
      }
    }
    expect([...open.succeeded].sort()).toEqual(
      OPERATIONS.filter((operation) => !operation.needsCredentials)
        .map(({ name }) => name)
        .sort(),
    );
    expect(reported).toEqual([]);
  });

  it("with credentials: every route answers its success to a service, and 401 and 403 where it must", async () => {
    for (const operation of OPERATIONS) {
      const [first, ...others] = exampleRequests(operation);
      if (!first) throw new Error(`${operation.name} has no example request`);
      for (const example of [first, ...others]) {
        await sendExample(guarded, example, { authorization: CREDENTIALS.service, expected: operation.success });
      }
      // Without credentials, or with ones the hook refuses: 401, before anything is read.
      await sendExample(guarded, first, { expected: 401 });
      await sendExample(guarded, first, { authorization: CREDENTIALS.forged, expected: 401 });
      const onUser = first.pathParams.userId !== undefined;
      // A user acts on their own appointments only; staff on every user's and on resources, not on the feed.
      await sendExample(guarded, first, { authorization: CREDENTIALS.user1, expected: 403 });
      await sendExample(guarded, first, {
        authorization: CREDENTIALS.user1,
        userId: "1",
        expected: onUser && !operation.needsCredentials ? operation.success : 403,
      });
      await sendExample(guarded, first, {
        authorization: CREDENTIALS.staff,
        expected: operation.name === "changes" ? 403 : operation.success,
      });
    }
    expect([...guarded.succeeded].sort()).toEqual(OPERATIONS.map(({ name }) => name).sort());
    expect(reported).toEqual([]);
  });

  it("answers 405 with the path's methods in Allow on every documented path, and 404 elsewhere", async () => {
    const session = guarded;
    for (const operation of OPERATIONS) {
      const [example] = exampleRequests(operation);
      if (!example) continue;
      for (const method of ["PUT", "OPTIONS"]) {
        const request = rawRequest(example, { method, authorization: CREDENTIALS.service });
        const response = await exchange(session, request, 405, `${method} on ${operation.template}`);
        expect(response.headers.allow).toMatch(/\S/);
      }
    }
    for (const path of [
      "/api",
      "/api/appointments",
      "/api/appointments/42/x/y/z",
      "/api/resources/dr-lee",
      "/api/changes/1",
    ]) {
      await exchange(session, { method: "GET", path, headers: { Authorization: CREDENTIALS.service } }, 404, path);
    }
    // `…/holds` is also the `{id}` template's path: GET reads the appointment `holds`, which no one has.
    await exchange(
      session,
      { method: "GET", path: "/api/appointments/42/holds", headers: { Authorization: CREDENTIALS.service } },
      404,
      "GET …/holds",
    );
  });
});
