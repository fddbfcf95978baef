/**
 * The appointments API on plain `node:http`, no framework: `api.handle` routes by the API's own table,
 * `appointment-scheduler/http` does the rest.
 *
 * Run it with `npx tsx examples/node-http.ts`: `PORT` defaults to 5000.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { Scheduler } from "appointment-scheduler";
import { type AppointmentsHttpOptions, createAppointmentsHttpApi, type HttpResponse } from "appointment-scheduler/http";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createRequestListener(scheduler: Scheduler, options?: AppointmentsHttpOptions): RequestListener {
  const api = createAppointmentsHttpApi(scheduler, options);

  return (req, res) => {
    api
      .handle(req.method ?? "GET", req.url ?? "/", { headers: req.headers, body: req })
      .catch((error: unknown) => api.error(error))
      .then((response) => send(req, res, response))
      // The answer could not be written (the client is gone): closing the connection is all that is left.
      .catch(() => res.destroy());
  };
}

export function startNodeHttpServer(options: ServerOptions): Promise<RunningServer> {
  return listen(createServer(createRequestListener(options.scheduler, options.http)), options);
}

function send(req: IncomingMessage, res: ServerResponse, { status, headers, body }: HttpResponse): void {
  // A string is the calendar feed, whose headers give its Content-Type; everything else is JSON.
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    ...headers,
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(req.method === "HEAD" ? undefined : text);
}

await runIfMain(import.meta.url, startNodeHttpServer);
