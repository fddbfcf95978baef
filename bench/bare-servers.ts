/**
 * The HTTP baselines: each framework serving the same routes, statuses and JSON as the examples, without
 * the scheduler: the least code a handler of that framework needs. A POST still reads and parses its JSON
 * body, as any handler must, with the framework's own means where it has them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import Router from "@koa/router";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { listen, type RunningServer } from "../examples/scheduler-from-env.js";
import { type BaselineAppointment, BaselineBooker, baselineWireTime } from "./baseline-booker.js";

const LIST = { appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }] };
const booked = (body: unknown) => ({
  start_time: (body as { appointment?: string }).appointment ?? "",
  end_time: "2021-04-22 12:00",
});
const ROUTE = "/api/appointments/:userId";
const PATH = /^\/api\/appointments\/[^/]+$/;

/** The JSON body of a Node.js request, read as most hand-written `node:http` handlers do. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

/** Answers as the `node:http` example does: JSON with its length (no chunked encoding). */
function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  response.end(json);
}

const at = { port: 0, host: "127.0.0.1" };
/** Listens as the examples do (`listen` reads only the port and host of the examples' options). */
const serve = (server: Server) => listen(server, at as Parameters<typeof listen>[1]);

export const bareServers: Record<string, () => Promise<RunningServer>> = {
  express: () => {
    const app = express();
    app.get(ROUTE, (_req, res) => {
      res.json(LIST);
    });
    app.post(ROUTE, express.json(), (req, res) => {
      res.status(201).json(booked(req.body));
    });
    return serve(createServer(app));
  },
  fastify: async () => {
    const app = Fastify();
    app.get(ROUTE, async () => LIST);
    app.post(ROUTE, async (request, reply) => reply.code(201).send(booked(request.body)));
    await app.listen(at);
    const address = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
  },
  hono: async () => {
    const app = new Hono();
    app.get(ROUTE, (c) => c.json(LIST));
    app.post(ROUTE, async (c) => c.json(booked(await c.req.json()), 201));
    return serve(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
  koa: () => {
    const router = new Router({ strict: true, sensitive: true });
    router.get(ROUTE, (ctx) => {
      ctx.body = LIST;
    });
    router.post(ROUTE, async (ctx) => {
      const body = await readJson(ctx.req);
      ctx.status = 201;
      ctx.body = booked(body);
    });
    const app = new Koa();
    app.use(router.routes());
    return serve(createServer(app.callback()));
  },
  "node-http": () =>
    serve(
      createServer(async (request, response) => {
        if (!PATH.test(request.url ?? "")) return sendJson(response, 404, { message: "Not Found" });
        if (request.method === "GET") return sendJson(response, 200, LIST);
        if (request.method === "POST") return sendJson(response, 201, booked(await readJson(request)));
        sendJson(response, 405, { message: "Method Not Allowed" });
      }),
    ),
};

/**
 * The bare `node:http` server with the seed's rule done by the least code it needs (`BaselineBooker`, the
 * in-memory baseline): the cost of any server that books at all, so the floor of what a scheduling
 * server can reach against the bare one.
 */
export function bareNodeHttpWithBaselineRule(): Promise<RunningServer> {
  const booker = new BaselineBooker();
  const wire = ({ startMs, endMs }: BaselineAppointment) => ({
    start_time: baselineWireTime(startMs),
    end_time: baselineWireTime(endMs),
  });
  return serve(
    createServer(async (request, response) => {
      const url = request.url ?? "";
      if (!PATH.test(url)) return sendJson(response, 404, { message: "Not Found" });
      const userId = decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
      if (request.method === "GET") return sendJson(response, 200, { appointments: booker.list(userId).map(wire) });
      if (request.method !== "POST") return sendJson(response, 405, { message: "Method Not Allowed" });
      const body = (await readJson(request)) as { appointment?: unknown };
      try {
        sendJson(response, 201, wire(booker.book(userId, String(body.appointment))));
      } catch (error) {
        sendJson(response, 400, { message: (error as Error).message });
      }
    }),
  );
}
