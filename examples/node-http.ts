/**
 * The seed's appointments API on plain `node:http`, no framework: the path match and the method switch are
 * the routing, `appointment-scheduler/http` does the rest.
 *
 * Run it with `npx tsx examples/node-http.ts`: `PORT` defaults to 5000.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { Scheduler } from "appointment-scheduler";
import {
  type AppointmentsHttpOptions,
  createAppointmentsHttpApi,
  type HttpResponse,
  matchAppointmentsPath,
} from "appointment-scheduler/http";
import { listen, type RunningServer, runIfMain, type ServerOptions } from "./scheduler-from-env.js";

export function createRequestListener(scheduler: Scheduler, options?: AppointmentsHttpOptions): RequestListener {
  const api = createAppointmentsHttpApi(scheduler, options);

  const route = async (req: IncomingMessage): Promise<HttpResponse> => {
    const url = req.url ?? "/";
    const userId = matchAppointmentsPath(url);
    if (userId !== null && (req.method === "GET" || req.method === "HEAD")) return api.list(userId, url);
    if (userId !== null && req.method === "POST") return api.book(userId, { headers: req.headers, body: req });
    return api.unmatched(url);
  };

  return (req, res) => {
    route(req)
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
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(req.method === "HEAD" ? undefined : json);
}

await runIfMain(import.meta.url, startNodeHttpServer);
