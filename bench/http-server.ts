/**
 * One server of the HTTP benchmark, in a process of its own so that the load generator does not share its
 * event loop: `http-server.ts <framework> <variant>`. Prints the URL it listens on; when started with an
 * IPC channel, answers the message "cpu" with the CPU time it has used (`process.cpuUsage()`).
 *
 * Variants: `bare` (bench/bare-servers.ts, fixed JSON), `bare-rule` (the same server booking with the least
 * code the rule needs, `fewLinesRuleAnswers`), `example` (the example over `createScheduler()`), and, to see
 * where an example's time goes, `example-stub` (the example over a stand-in scheduler that answers a fixed
 * appointment: the HTTP layer alone) and `example-bounded` (the example over `createScheduler()` with a
 * store that never holds more than 1,000 appointments: the scheduler without a growing store).
 */
import {
  type Appointment,
  type AppointmentStore,
  createScheduler,
  MemoryStore,
  type Scheduler,
  type WriteRequest,
  type WriteResult,
} from "appointment-scheduler";
import { Temporal } from "temporal-polyfill";
import { startExpressServer } from "../examples/express.js";
import { startFastifyServer } from "../examples/fastify.js";
import { startHonoServer } from "../examples/hono.js";
import { startKoaServer } from "../examples/koa.js";
import { startNodeHttpServer } from "../examples/node-http.js";
import { bareServers, fewLinesRuleAnswers, fixedAnswers } from "./bare-servers.js";

const examples = {
  express: startExpressServer,
  fastify: startFastifyServer,
  hono: startHonoServer,
  koa: startKoaServer,
  "node-http": startNodeHttpServer,
};
const VARIANTS = ["bare", "bare-rule", "example", "example-stub", "example-bounded"] as const;

/** A stand-in scheduler: every booking and list answers the same appointment, with no work behind it. */
function stubScheduler(): Scheduler {
  const real = createScheduler();
  const start = Temporal.ZonedDateTime.from("2021-04-22T11:30[UTC]");
  const end = start.add({ minutes: 30 });
  const createdAt = start.toInstant();
  const appointment = (userId: unknown): Appointment => ({
    id: "stub",
    userId: String(userId),
    status: "booked",
    start,
    end,
    version: 1,
    createdAt,
    updatedAt: createdAt,
    cancelledAt: null,
    cancellationReason: null,
    previousTimes: [],
    metadata: null,
    resource: null,
    type: null,
    holdExpiresAt: null,
  });
  return {
    policy: real.policy,
    book: async (userId) => appointment(userId),
    hold: (userId, start, options) => real.hold(userId, start, options),
    confirm: (userId, id, options) => real.confirm(userId, id, options),
    release: (userId, id, options) => real.release(userId, id, options),
    list: async (userId) => ({ appointments: [appointment(userId)], nextCursor: null }),
    listByResource: async () => [],
    get: async () => null,
    cancel: (userId, id, options) => real.cancel(userId, id, options),
    reschedule: (userId, id, start, options) => real.reschedule(userId, id, start, options),
    availability: async () => [],
    changes: async () => ({ changes: [], cursor: null }),
    purgeExpired: async () => 0,
  };
}

/**
 * A store that does not grow: a `MemoryStore` replaced by an empty one after every `capacity` bookings, so
 * that it never holds more than `capacity` appointments (a store keeps every appointment, cancelled ones
 * too: only a new one forgets them).
 */
class BoundedMemoryStore implements AppointmentStore {
  #inner = new MemoryStore();
  #booked = 0;
  constructor(readonly capacity: number) {}
  async write(request: WriteRequest): Promise<WriteResult> {
    const result = await this.#inner.write(request);
    if (result.status === "written" && !result.replayed && request.change.type === "book") {
      if (++this.#booked >= this.capacity) {
        this.#inner = new MemoryStore();
        this.#booked = 0;
      }
    }
    return result;
  }
  listAppointments: AppointmentStore["listAppointments"] = (userId, query) =>
    this.#inner.listAppointments(userId, query);
  listResourceAppointments: AppointmentStore["listResourceAppointments"] = (resourceId, query) =>
    this.#inner.listResourceAppointments(resourceId, query);
  getAppointment: AppointmentStore["getAppointment"] = (userId, id) => this.#inner.getAppointment(userId, id);
  readChanges: AppointmentStore["readChanges"] = (query) => this.#inner.readChanges(query);
  purgeExpired: AppointmentStore["purgeExpired"] = (nowMs) => this.#inner.purgeExpired(nowMs);
}

const [framework = "", variant = ""] = process.argv.slice(2);
const startExample = examples[framework as keyof typeof examples];
const startBare = bareServers[framework];
if (!startExample || !startBare || !(VARIANTS as readonly string[]).includes(variant)) {
  console.error(`usage: http-server.ts <${Object.keys(examples).join("|")}> <${VARIANTS.join("|")}>`);
  process.exit(2);
}
const server =
  variant === "bare"
    ? await startBare(fixedAnswers)
    : variant === "bare-rule"
      ? await startBare(fewLinesRuleAnswers())
      : await startExample({
          scheduler:
            variant === "example-stub"
              ? stubScheduler()
              : createScheduler(variant === "example-bounded" ? { store: new BoundedMemoryStore(1_000) } : {}),
          host: "127.0.0.1",
        });
console.log(`listening on ${server.url}`);
process.on("message", (message) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
});
process.once("SIGTERM", () => {
  server.close().then(() => process.exit(0));
});
