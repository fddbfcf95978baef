import { startExpressServer } from "../../examples/express.js";
import { runConformanceSuite } from "./conformance.js";

runConformanceSuite({
  name: "Express 5",
  start: startExpressServer,
  file: new URL("../../examples/express.ts", import.meta.url),
});
