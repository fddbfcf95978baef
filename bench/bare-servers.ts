/**
 * The HTTP baselines: each framework serving the same routes and the same JSON as the examples, without
 * the scheduler. A POST still reads and parses its JSON body, as any handler must.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { listen, type RunningServer } from "../examples/scheduler-from-env.js";

const LIST = { appointments: [{ start_time: "2021-04-22 11:30", end_time: "2021-04-22 12:00" }] };
const booked = (body: unknown) => ({
  start_time: (body as { appointment?: string }).appointment ?? "",
  end_time: "2021-04-22 12:00",
});
const ROUTE = "/api/appointments/:userId";
const PATH = /^\/api\/appointments\/\d+$/;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const start = { port: 0, host: "127.0.0.1" };

export const bareServers: Record<string, () => Promise<RunningServer>> = {
  express: () => {
    const app = express();
    app.get(ROUTE, (_req, res) => {
      res.json(LIST);
    });
    app.post(ROUTE, express.json(), (req, res) => {
      res.status(201).json(booked(req.body));
    });
    return listen(createServer(app), start as never);
  },
  fastify: async () => {
    const app = Fastify();
    app.get(ROUTE, async () => LIST);
    app.post(ROUTE, async (request, reply) => reply.code(201).send(booked(request.body)));
    await app.listen(start);
    const address = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
  },
  hono: async () => {
    const app = new Hono();
    app.get(ROUTE, (c) => c.json(LIST));
    app.post(ROUTE, async (c) => c.json(booked(await c.req.json()), 201));
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    return listen(server, start as never);
  },
  koa: () => {
    const app = new Koa();
    app.use(async (ctx) => {
      if (!PATH.test(ctx.path)) return;
      if (ctx.method === "GET") ctx.body = LIST;
      else if (ctx.method === "POST") {
        ctx.status = 201;
        ctx.body = booked(await readJson(ctx.req));
      }
    });
    return listen(createServer(app.callback()), start as never);
  },
  "node-http": () =>
    listen(
      createServer(async (request, response) => {
        const send = (status: number, body: unknown) => {
          response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
          response.end(JSON.stringify(body));
        };
        if (!PATH.test(request.url ?? "")) return send(404, { message: "Not Found" });
        if (request.method === "GET") return send(200, LIST);
        if (request.method === "POST") return send(201, booked(await readJson(request)));
        send(405, { message: "Method Not Allowed" });
      }),
      start as never,
    ),
};
