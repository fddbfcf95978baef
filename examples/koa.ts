/**
 * The appointments API on Koa 3 with `@koa/router`: routing only, `appointment-scheduler/http` does
 * the rest.
 *
 * Run it with `npx tsx examples/koa.ts`: `PORT` defaults to 5000.
 */
import { createServer } from "node:http";
import Router from "@koa/router";
import type { Scheduler } from "appointment-scheduler";
import { type AppointmentsHttpOptions, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
import Koa, { type Context } from "koa";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createKoaApp(scheduler: Scheduler, options?: AppointmentsHttpOptions): Koa {
  const api = createAppointmentsHttpApi(scheduler, options);
  // As in the seed: "/api/appointments/1/" and "/API/appointments/1" are other paths.
  const router = new Router({ strict: true, sensitive: true });

  // No body parser: the helper reads the raw request, so every framework rejects bad bodies alike.
  for (const route of api.routes) {
    router[METHOD[route.method]](route.path, async (ctx) =>
      send(ctx, await route.handle({ params: ctx.params, query: ctx.query, headers: ctx.headers, body: ctx.req })),
    );
  }

  const app = new Koa();
  // The helper answers (and reports) every failure of a request; what would still reach Koa's default error
  // log is a client that went away mid-request, which is not the server's failure.
  app.silent = true;
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      send(ctx, api.error(error));
    }
  });
  app.use(router.routes());
  app.use((ctx) => send(ctx, api.unmatched(ctx.path, ctx.method)));
  return app;
}

export function startKoaServer(options: ServerOptions): Promise<RunningServer> {
  return listen(createServer(createKoaApp(options.scheduler, options.http).callback()), options);
}

/** The router's registration method of each of the API's methods. */
const METHOD = { GET: "get", POST: "post", PATCH: "patch", DELETE: "delete" } as const;

function send(ctx: Context, { status, headers, body }: HttpResponse): void {
  ctx.status = status;
  ctx.set(headers);
  // Koa sends a string as text, keeping the Content-Type set above (the calendar feed's); the rest as JSON.
  ctx.body = body;
}

await runIfMain(import.meta.url, startKoaServer);
