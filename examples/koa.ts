/**
 * The appointments API on Koa 3: `appointment-scheduler/http` routes and answers, Koa only translates.
 *
 * Koa has no router of its own, and the API needs none: `api.handle` matches the request against the API's
 * route table (as the `node:http` example does), so one middleware serves every route. It is also the
 * cheaper way: `@koa/router` tests each request against every registered route, and the API has many.
 * An app that already routes with `@koa/router` can register `api.routes` there instead, as the Express
 * example does with its router (`router.get(route.path, …)` for each).
 *
 * Run it with `npx tsx examples/koa.ts`: `PORT` defaults to 5000.
 */
import { createServer } from "node:http";
import type { Scheduler } from "appointment-scheduler";
import { type AppointmentsHttpOptions, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
import Koa, { type Context } from "koa";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createKoaApp(scheduler: Scheduler, options?: AppointmentsHttpOptions): Koa {
  const api = createAppointmentsHttpApi(scheduler, options);
  const app = new Koa();
  // The helper answers (and reports) every failure of a request; what would still reach Koa's default error
  // log is a client that went away mid-request, which is not the server's failure.
  app.silent = true;
  // No body parser: the helper reads the raw request, so every framework rejects bad bodies alike. The URL
  // as the request line gave it ("/api/appointments/1/", "/API/…" and absolute URLs are judged as elsewhere).
  app.use(async (ctx) => {
    try {
      send(ctx, await api.handle(ctx.method, ctx.url, { headers: ctx.headers, body: ctx.req }));
    } catch (error) {
      // `api.handle` never rejects; this keeps any other failure in the same JSON form.
      send(ctx, api.error(error));
    }
  });
  return app;
}

export function startKoaServer(options: ServerOptions): Promise<RunningServer> {
  return listen(createServer(createKoaApp(options.scheduler, options.http).callback()), options);
}

function send(ctx: Context, { status, headers, body }: HttpResponse): void {
  ctx.status = status;
  ctx.set(headers);
  // Koa sends a string as text, keeping the Content-Type set above (the calendar feed's); the rest as JSON.
  ctx.body = body;
}

await runIfMain(import.meta.url, startKoaServer);
