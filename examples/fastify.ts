/**
 * The appointments API on Fastify 5: routing only, `appointment-scheduler/http` does the rest.
 *
 * Run it with `npx tsx examples/fastify.ts`: `PORT` defaults to 5000. It also serves the booking page
 * (examples/booking-page/) at `/`: open http://localhost:5000/.
 */
import type { Scheduler } from "appointment-scheduler";
import {
  type AppointmentsHttpOptions,
  createAppointmentsHttpApi,
  type HttpResponse,
  type RequestBody,
} from "appointment-scheduler/http";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { BOOKING_PAGE_FILES } from "./booking-page/serve.js";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createFastifyApp(scheduler: Scheduler, options?: AppointmentsHttpOptions): FastifyInstance {
  const api = createAppointmentsHttpApi(scheduler, options);
  const app = Fastify({
    // A URL Fastify cannot route (bad percent-encoding) names nothing: 404, as in the other frameworks.
    frameworkErrors: (_error, _request, reply) => send(reply, api.notFound()),
    // User ids may be long (up to 255 digits, leading zeros allowed); Fastify's default cap is 100 characters.
    routerOptions: { maxParamLength: 16 * 1024 },
    // No route has a schema (the helper checks every request), so Fastify's schema compilers are never
    // used: named here, they are not loaded at start either (Ajv and fast-json-stringify, a tenth of a second).
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  });
  // No body parser: the helper reads the raw request, so every framework rejects bad bodies alike.
  app.removeAllContentTypeParsers();
  const rawPayload = (_request: unknown, payload: RequestBody, done: (error: null, body: RequestBody) => void) =>
    done(null, payload);
  app.addContentTypeParser("*", rawPayload);
  // JSON, what nearly every body is, under its own name too: Fastify caches the parser of a Content-Type
  // registered by name, but parses the header anew on every request that falls through to "*".
  app.addContentTypeParser("application/json", rawPayload);

  // Callback handlers, not async ones: Fastify makes an async handler's promise, and the reply it returns
  // (a thenable), cost each request more promise jobs (measured: about 3 µs of server CPU a request).
  for (const route of api.routes) {
    app.route<{ Params: Record<string, string> }>({
      method: route.method,
      url: route.path,
      handler: (request, reply) => {
        route
          .handle({
            params: request.params,
            query: request.query as Record<string, unknown>,
            headers: request.headers,
            body: request.body as RequestBody,
          })
          .catch((error: unknown) => api.error(error))
          // Not returned: the reply is a thenable, which the promise would adopt at the cost of more jobs.
          .then((response) => {
            send(reply, response);
          })
          // The answer could not be written (the client is gone): closing the connection is all that is left.
          .catch(() => reply.raw.destroy());
      },
    });
  }
  // The booking page: `GET` (and `HEAD`) of its few files, each at its own path (see booking-page/serve.ts).
  for (const file of BOOKING_PAGE_FILES) {
    app.get(file.path, (request, reply) => send(reply, file.respond(request.headers)));
  }
  // Requests for another path or method are answered on arrival, in place of a not-found handler: that one
  // runs only after Fastify has judged the body's Content-Type.
  // A callback hook: it runs for every request, and an async one would cost each of them a promise.
  // Fastify also routes "/api/appointments/" (an empty `:userId`) and dot segments ("/api/appointments/.."),
  // which name nothing in the other frameworks: answered here, before Fastify judges a body's Content-Type.
  app.addHook("onRequest", (request, reply, done) => {
    if (request.is404 || namesNothing(request.params)) send(reply, api.unmatched(request.url, request.method));
    else done();
  });
  app.setErrorHandler((error, _request, reply) => send(reply, api.error(error)));
  return app;
}

export async function startFastifyServer(options: ServerOptions): Promise<RunningServer> {
  const app = createFastifyApp(options.scheduler, options.http);
  // Fastify's own server, listened on and stopped as every example's is (the shutdown in listen()).
  await app.ready();
  return listen(app.server, options);
}

/** Stands for a schema compiler: never called, since no route has a schema. */
function noSchemas(): never {
  throw new Error("The example's routes have no schemas");
}

function namesNothing(params: unknown): boolean {
  const values = params as Record<string, string>;
  for (const name in values) {
    const value = values[name];
    if (value === "" || value === "." || value === "..") return true;
  }
  return false;
}

function send(reply: FastifyReply, { status, headers, body }: HttpResponse): FastifyReply {
  return reply.code(status).headers(headers).send(body);
}

await runIfMain(import.meta.url, startFastifyServer);
