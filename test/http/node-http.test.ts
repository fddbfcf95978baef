import { startNodeHttpServer } from "../../examples/node-http.js";
import { runConformanceSuite } from "./conformance.js";

runConformanceSuite({
  name: "node:http",
  start: startNodeHttpServer,
  file: new URL("../../examples/node-http.ts", import.meta.url),
});
