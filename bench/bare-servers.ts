/**
 * The HTTP baselines: each framework serving the same routes, statuses and JSON as the examples, without
 * the scheduler: the least code a handler of that framework needs. A POST still reads and parses its JSON
 * body, as any handler must, with the framework's own means where it has them.
 *
 * Each server answers either fixed JSON (`bare`: the framework alone) or through the seed's rule written in
 * a few lines (`bare-rule`: `BaselineBooker`, the in-memory baseline), which is what any server that books
 * at all must do on top of the framework: the floor of what a booking server can reach against the bare one.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import Router from "@koa/router";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";
import { listen, type RunningServer } from "../examples/scheduler-from-env.js";
import { type BaselineAppointment, BaselineBooker, baselineWireTime } from "./baseline-booker.js";

/** What a handler answers: for a user's list, and for a booking with its parsed JSON body. */
export interface BareAnswers {
  list(userId: string): unknown;
  book(userId: string, body: unknown): { status: number; body: unknown };
}

/** An appointment as the examples answer it (`AppointmentJson`): the seed's two fields and the ledger's. */
const FIXED_APPOINTMENT = {
  id: "0b5b7d0e-3c8e-4f51-9a51-1d2f8c0e6a11",
  user_id: "1",
  status: "booked",
  start_time: "2021-04-22 11:30",
  end_time: "2021-04-22 12:00",
  start: "2021-04-22T11:30:00+00:00",
  end: "2021-04-22T12:00:00+00:00",
  version: 1,
  type: null,
  resource: null,
  hold_expires_at: null,
  cancellation_reason: null,
  metadata: null,
};
const LIST = { appointments: [FIXED_APPOINTMENT], next_cursor: null };

/** The same JSON as the examples answer, with no work behind it. */
export const fixedAnswers: BareAnswers = {
  list: () => LIST,
  book: (userId, body) => ({
    status: 201,
    body: { ...FIXED_APPOINTMENT, user_id: userId, start_time: (body as { appointment?: string }).appointment ?? "" },
  }),
};

/**
 * The seed's rule in a few lines: `BaselineBooker`, `crypto.randomUUID` for ids, and `Date#toISOString` for
 * the times, answering the examples' JSON.
 */
export function fewLinesRuleAnswers(): BareAnswers {
  const booker = new BaselineBooker();
  const ids = new WeakMap<BaselineAppointment, string>();
  const rfc3339 = (epochMs: number) => `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
  const wire = (userId: string, appointment: BaselineAppointment) => ({
    ...FIXED_APPOINTMENT,
    id: ids.get(appointment),
    user_id: userId,
    start_time: baselineWireTime(appointment.startMs),
    end_time: baselineWireTime(appointment.endMs),
    start: rfc3339(appointment.startMs),
    end: rfc3339(appointment.endMs),
  });
  return {
    list: (userId) => ({
      appointments: booker.list(userId).map((appointment) => wire(userId, appointment)),
      next_cursor: null,
    }),
    book: (userId, body) => {
      try {
        const appointment = booker.book(userId, String((body as { appointment?: unknown }).appointment));
        ids.set(appointment, randomUUID());
        return { status: 201, body: wire(userId, appointment) };
      } catch (error) {
        return { status: 400, body: { message: (error as Error).message } };
      }
    },
  };
}

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

/** Each framework's baseline server, answering with `answers`. */
export const bareServers: Record<string, (answers: BareAnswers) => Promise<RunningServer>> = {
  express: (answers) => {
    const app = express();
    app.get(ROUTE, (req, res) => {
      res.json(answers.list(req.params.userId));
    });
    app.post(ROUTE, express.json(), (req, res) => {
      const { status, body } = answers.book(req.params.userId, req.body);
      res.status(status).json(body);
    });
    return serve(createServer(app));
  },
  fastify: async (answers) => {
    const app = Fastify();
    app.get<{ Params: { userId: string } }>(ROUTE, async (request) => answers.list(request.params.userId));
    app.post<{ Params: { userId: string } }>(ROUTE, async (request, reply) => {
      const { status, body } = answers.book(request.params.userId, request.body);
      return reply.code(status).send(body);
    });
    await app.listen(at);
    const address = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
  },
  hono: (answers) => {
    const app = new Hono();
    app.get(ROUTE, (c) => c.json(answers.list(c.req.param("userId"))));
    app.post(ROUTE, async (c) => {
      const { status, body } = answers.book(c.req.param("userId"), await c.req.json());
      return c.json(body, status as 201);
    });
    return serve(createAdaptorServer({ fetch: app.fetch }) as Server);
  },
  koa: (answers) => {
    const router = new Router({ strict: true, sensitive: true });
    router.get(ROUTE, (ctx) => {
      ctx.body = answers.list(ctx.params.userId as string);
    });
    router.post(ROUTE, async (ctx) => {
      const { status, body } = answers.book(ctx.params.userId as string, await readJson(ctx.req));
      ctx.status = status;
      ctx.body = body;
    });
    const app = new Koa();
    app.use(router.routes());
    return serve(createServer(app.callback()));
  },
  "node-http": (answers) =>
    serve(
      createServer(async (request, response) => {
        const url = request.url ?? "";
        if (!PATH.test(url)) return sendJson(response, 404, { message: "Not Found" });
        const userId = decodeURIComponent(url.slice(url.lastIndexOf("/") + 1));
        if (request.method === "GET") return sendJson(response, 200, answers.list(userId));
        if (request.method !== "POST") return sendJson(response, 405, { message: "Method Not Allowed" });
        const { status, body } = answers.book(userId, await readJson(request));
        sendJson(response, status, body);
      }),
    ),
};
