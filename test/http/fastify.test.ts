import { startFastifyServer } from "../../examples/fastify.js";
import { runConformanceSuite } from "./conformance.js";

runConformanceSuite({
  name: "Fastify 5",
  start: startFastifyServer,
  file: new URL("../../examples/fastify.ts", import.meta.url),
});
