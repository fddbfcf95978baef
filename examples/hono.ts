/**
 * The appointments API on Hono 4 with `@hono/node-server`: routing only, `appointment-scheduler/http`
 * does the rest.
 *
 * Run it with `npx tsx examples/hono.ts`: `PORT` defaults to 5000.
 */
import type { Server } from "node:http";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import type { Scheduler } from "appointment-scheduler";
import { type AppointmentsHttpOptions, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
import { Hono } from "hono";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createHonoApp(
  scheduler: Scheduler,
  options?: AppointmentsHttpOptions,
): Hono<{ Bindings: HttpBindings }> {
  const api = createAppointmentsHttpApi(scheduler, options);
  const app = new Hono<{ Bindings: HttpBindings }>();

  // The helper reads the raw body stream, so every framework rejects bad bodies alike. On Node.js the
  // request itself is the cheaper stream to read; elsewhere (or in app.request()), the Fetch Request's body.
  for (const route of api.routes) {
    app.on(route.method, route.path, async (c) => {
      const incoming = c.env?.incoming;
      return send(
        await route.handle({
          params: c.req.param(),
          query: c.req.url,
          headers: incoming ? incoming.headers : c.req.raw.headers,
          body: incoming ?? c.req.raw.body,
        }),
      );
    });
  }
  app.notFound((c) => send(api.unmatched(c.req.path, c.req.method)));
  app.onError((error) => send(api.error(error)));
  return app;
}

export function startHonoServer(options: ServerOptions): Promise<RunningServer> {
  const app = createHonoApp(options.scheduler, options.http);
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options);
}

/**
 * A `Response` of a string with plain-object headers: on Node.js, `@hono/node-server` writes it straight to
 * the socket. `c.json` and `c.body` build Fetch `Headers` once a response has two headers (a booking's
 * `Location` and `Content-Type`), and the static `Response.json` a body that must be streamed: each cost a
 * request several microseconds (measured). The charset is stated as the other examples state it.
 */
function send({ status, headers, body }: HttpResponse): Response {
  // A string is the calendar feed, whose headers give its Content-Type; everything else is JSON.
  if (typeof body === "string") return new Response(body, { status, headers });
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

await runIfMain(import.meta.url, startHonoServer);
