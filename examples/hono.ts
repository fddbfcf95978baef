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
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
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
        c,
        await route.handle({
          params: c.req.param(),
          query: c.req.url,
          headers: incoming ? incoming.headers : c.req.raw.headers,
          body: incoming ?? c.req.raw.body,
        }),
      );
    });
  }
  app.notFound((c) => send(c, api.unmatched(c.req.path, c.req.method)));
  app.onError((error, c) => send(c, api.error(error)));
  return app;
}

export function startHonoServer(options: ServerOptions): Promise<RunningServer> {
  const app = createHonoApp(options.scheduler, options.http);
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options);
}

/**
 * `c.json`, not `Response.json`: on Node.js, `@hono/node-server` writes a response built from a string
 * straight to the socket, while the static `Response.json` builds a Fetch response whose body it must stream.
 * The charset is stated as the other examples state it.
 */
function send(c: Context, { status, headers, body }: HttpResponse): Response {
  // A string is the calendar feed, whose headers give its Content-Type; everything else is JSON.
  if (typeof body === "string") return c.body(body, status as ContentfulStatusCode, headers);
  return c.json(body, status as ContentfulStatusCode, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
  });
}

await runIfMain(import.meta.url, startHonoServer);
