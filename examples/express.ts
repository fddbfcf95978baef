/**
 * The appointments API on Express 5: routing only, `appointment-scheduler/http` does the rest.
 *
 * Run it with `npm start` (or `npx tsx examples/express.ts`): `PORT` defaults to 5000.
 */
import { createServer } from "node:http";
import type { Scheduler } from "appointment-scheduler";
import { type AppointmentsHttpOptions, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
import express, { type ErrorRequestHandler, type Response } from "express";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createExpressApp(scheduler: Scheduler, options?: AppointmentsHttpOptions): express.Express {
  const api = createAppointmentsHttpApi(scheduler, options);
  const app = express();
  // As in the seed: "/api/appointments/1/" and "/API/appointments/1" are other paths.
  app.set("strict routing", true);
  app.set("case sensitive routing", true);
  app.disable("x-powered-by");

  // No body parser: the helper reads the raw request, so every framework rejects bad bodies alike.
  for (const route of api.routes) {
    app[METHOD[route.method]](route.path, async (req, res) => {
      send(res, await route.handle({ params: req.params, query: req.query, headers: req.headers, body: req }));
    });
  }
  app.use((req, res) => send(res, api.unmatched(req.path, req.method)));
  const onError: ErrorRequestHandler = (error, _req, res, _next) => send(res, api.error(error));
  app.use(onError);
  return app;
}

export function startExpressServer(options: ServerOptions): Promise<RunningServer> {
  return listen(createServer(createExpressApp(options.scheduler, options.http)), options);
}

/** Express's registration method of each of the API's methods. */
const METHOD = { GET: "get", POST: "post", PATCH: "patch", DELETE: "delete" } as const;

function send(res: Response, { status, headers, body }: HttpResponse): void {
  // A string is the calendar feed, whose headers give its Content-Type; everything else is JSON.
  if (typeof body === "string") res.status(status).set(headers).send(body);
  else res.status(status).set(headers).json(body);
}

await runIfMain(import.meta.url, startExpressServer);
