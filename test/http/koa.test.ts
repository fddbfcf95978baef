import { startKoaServer } from "../../examples/koa.js";
import { runConformanceSuite } from "./conformance.js";

runConformanceSuite({
  name: "Koa 3",
  start: startKoaServer,
  file: new URL("../../examples/koa.ts", import.meta.url),
});
