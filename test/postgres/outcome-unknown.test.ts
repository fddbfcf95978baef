/**
 * A write whose answer never comes: a loopback TCP proxy between node-postgres and the server is frozen
 * while a booking is in flight. The booking's deadline passes, and the scheduler answers OUTCOME_UNKNOWN in
 * time, never a failure that claims nothing was written; once the proxy thaws, retries with the same
 * idempotency key settle it: one appointment, the same id for every retry. Needs `TEST_DATABASE_URL` (a
 * server on this machine: the proxy listens on and connects to the loopback address only).
 */
import net from "node:net";
import { createScheduler, type SchedulerError } from "appointment-scheduler";
import { PostgresStore } from "appointment-scheduler/postgres";
import { describe, expect, it } from "vitest";
import { dropSchema, NEEDS_SERVER, serverPool, TEST_DATABASE_URL, uniquePrefix } from "./targets.js";

/** The server of TEST_DATABASE_URL when it is on this machine's loopback address. */
function loopbackServer(): { url: URL; port: number } | undefined {
  if (!TEST_DATABASE_URL) return undefined;
  const url = new URL(TEST_DATABASE_URL);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return undefined;
  return { url, port: Number(url.port || 5432) };
}

/**
 * A proxy on 127.0.0.1 that forwards both ways, or, while frozen, holds every byte (in order) until thawed.
 * At most `maxConnections` connections; everything is closed by `close()`.
 */
async function freezableProxy(targetPort: number, maxConnections = 8) {
  let frozen = false;
  const held: (() => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (sockets.size >= 2 * maxConnections) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on("data", (chunk) => (frozen ? held.push(() => to.write(chunk)) : to.write(chunk)));
    forward(client, upstream);
    forward(upstream, client);
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const send of held.splice(0)) send();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const server = loopbackServer();

describe.runIf(server)(`a write whose answer never comes (${NEEDS_SERVER}, on this machine)`, () => {
  it("is OUTCOME_UNKNOWN within its deadline, and a retry with the same key books it once", async () => {
    const { url, port } = server as NonNullable<typeof server>;
    const prefix = uniquePrefix();
    const direct = serverPool();
    const proxy = await freezableProxy(port);
    const proxied = new URL(url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    const pool = serverPool({ connectionString: proxied.toString(), max: 2 });
    try {
      await new PostgresStore(direct, { tablePrefix: prefix }).migrate();
      const scheduler = createScheduler({ store: new PostgresStore(pool, { tablePrefix: prefix }) });
      await scheduler.book("warm", "2021-04-21 09:00"); // a connection through the proxy, ready

      proxy.freeze();
      const started = performance.now();
      const error = await scheduler
        .book("frozen", "2021-04-22 11:30", { signal: AbortSignal.timeout(500), idempotencyKey: "k-1" })
        .then(
          () => undefined,
          (e: SchedulerError) => e,
        );
      const elapsed = performance.now() - started;
      expect(error?.code).toBe("OUTCOME_UNKNOWN");
      expect(elapsed).toBeLessThan(1_500);

      // The held booking reaches the server now; the retries queue behind it or pass it: either way the
      // key decides, and all of them answer with one appointment.
      proxy.thaw();
      const retried = await scheduler.book("frozen", "2021-04-22 11:30", { idempotencyKey: "k-1" });
      const again = await scheduler.book("frozen", "2021-04-22 11:30", { idempotencyKey: "k-1" });
      expect(again.id).toBe(retried.id);
      const stored = await createScheduler({ store: new PostgresStore(direct, { tablePrefix: prefix }) }).list(
        "frozen",
        {},
        { status: "all" },
      );
      expect(stored.appointments.map((a) => a.id)).toEqual([retried.id]);
    } finally {
      proxy.thaw();
      await pool.end();
      await proxy.close();
      await dropSchema(direct, prefix);
      await direct.end();
    }
  });
});
