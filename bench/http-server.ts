/**
 * One server of the HTTP benchmark, in a process of its own so that the load generator does not share its
 * event loop: `http-server.ts <framework> <bare|example>`. Prints the URL it listens on.
 */
import { createScheduler } from "appointment-scheduler";
import { startExpressServer } from "../examples/express.js";
import { startFastifyServer } from "../examples/fastify.js";
import { startHonoServer } from "../examples/hono.js";
import { startKoaServer } from "../examples/koa.js";
import { startNodeHttpServer } from "../examples/node-http.js";
import { bareServers } from "./bare-servers.js";

const examples = {
  express: startExpressServer,
  fastify: startFastifyServer,
  hono: startHonoServer,
  koa: startKoaServer,
  "node-http": startNodeHttpServer,
};

const [framework = "", variant = ""] = process.argv.slice(2);
const startExample = examples[framework as keyof typeof examples];
const startBare = bareServers[framework];
if (!startExample || !startBare || (variant !== "bare" && variant !== "example")) {
  console.error("usage: http-server.ts <express|fastify|hono|koa|node-http> <bare|example>");
  process.exit(2);
}
const server =
  variant === "bare" ? await startBare() : await startExample({ scheduler: createScheduler(), host: "127.0.0.1" });
console.log(`listening on ${server.url}`);
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
