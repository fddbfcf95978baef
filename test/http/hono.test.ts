import { startHonoServer } from "../../examples/hono.js";
import { runConformanceSuite } from "./conformance.js";

runConformanceSuite({
  name: "Hono 4 on @hono/node-server",
  start: startHonoServer,
  file: new URL("../../examples/hono.ts", import.meta.url),
});
