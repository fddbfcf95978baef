/**
 * A webhook receiver for the relay's tests: a `node:http` server on 127.0.0.1 that verifies every request's
 * Standard Webhooks signature with `standardwebhooks`, records it, and answers as a behaviour function says:
 * at once, slowly, with a failure, with 410 Gone, or never (the relay's timeout ends the attempt).
 *
 * Its clock is the process's `Date`: a test file that uses it calls `vi.useRealTimers()`, since the relay
 * signs with the real time and `Webhook.verify` refuses a timestamp five minutes off (test/support/clock.ts
 * sets the tests' clock to 2021).
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { WebhookPayload } from "../../examples/webhook-relay.js";

/** How the receiver answers one request. */
export type Behaviour = "succeed" | "slow" | "fail" | "hang" | "gone";

/** A request whose signature verified, as it arrived. */
export interface Delivery {
  /** The URL path it was sent to: one receiver serves several endpoints, one per path. */
  readonly path: string;
  readonly webhookId: string;
  readonly payload: WebhookPayload;
  /** What it was answered (a 2xx means delivered), or `null` for one never answered. */
  readonly status: number | null;
}

export interface ReceiverOptions {
  /** The relay's `WEBHOOK_SECRET`. */
  readonly secret: string;
  /** How to answer the `n`-th request (from 1) at `path` that carries `webhookId`. */
  readonly behaviour: (path: string, webhookId: string, n: number) => Behaviour;
  /** How long a "slow" answer takes: well within the relay's timeout. Default 60 ms. */
  readonly slowMs?: number;
}

export interface Receiver {
  /** `http://127.0.0.1:<port>`: endpoints are paths under it. */
  readonly url: string;
  /** Every request whose signature verified, in the order they arrived. */
  readonly deliveries: readonly Delivery[];
  /** Why each request that did not verify was refused (401): the tests expect none. */
  readonly rejected: readonly string[];
  /** Requests per path, verified or not. */
  requestsAt(path: string): number;
  close(): Promise<void>;
}

export async function startReceiver({ secret, behaviour, slowMs = 60 }: ReceiverOptions): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const deliveries: Delivery[] = [];
  const rejected: string[] = [];
  const requests = new Map<string, number>();
  const seen = new Map<string, number>();

  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://receiver").pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = {
      "webhook-id": String(req.headers["webhook-id"] ?? ""),
      "webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
      "webhook-signature": String(req.headers["webhook-signature"] ?? ""),
    };
    let payload: WebhookPayload;
    try {
      payload = webhook.verify(body, headers) as WebhookPayload;
    } catch (error) {
      rejected.push(`${path} ${headers["webhook-id"]}: ${(error as Error).message}`);
      res.writeHead(401).end();
      return;
    }
    const webhookId = headers["webhook-id"];
    const key = `${path} ${webhookId}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const answer = behaviour(path, webhookId, n);
    const status = { succeed: 204, slow: 200, fail: 500, gone: 410, hang: null }[answer];
    // Recorded before the answer is sent: the relay can only count it delivered once it is recorded.
    deliveries.push({ path, webhookId, payload, status });
    if (status === null) return; // never answered: the relay's timeout ends the attempt
    if (answer === "slow") setTimeout(() => res.writeHead(status).end("ok"), slowMs);
    else res.writeHead(status).end();
  };
  // A request the relay abandons (its timeout, its process killed) ends while its body is read: nothing to do.
  const server = createServer((req, res) => {
    receive(req, res).catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    rejected,
    requestsAt: (path) => requests.get(path) ?? 0,
    close: async () => {
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections(); // the requests still hanging
      await closed;
    },
  };
}

/**
 * A reproducible random behaviour: the `n`-th request with a webhook-id at a path is answered as a PRNG
 * seeded by `seed`, the path, the id and `n` draws, whatever order the requests arrive in (the relay sends
 * to its endpoints at once). From request `maxFailures + 1` on it succeeds, which bounds the time an event
 * takes and keeps it short of the relay's `RELAY_MAX_ATTEMPTS`.
 */
export function seededBehaviour(seed: number, maxFailures: number): ReceiverOptions["behaviour"] {
  return (path, webhookId, n) => {
    if (n > maxFailures) return "succeed";
    const draw = mulberry32(hash(`${seed} ${path} ${webhookId} ${n}`))();
    // Hangs are rare: each costs the relay's whole timeout.
    if (draw < 0.45) return "succeed";
    if (draw < 0.62) return "slow";
    if (draw < 0.92) return "fail";
    return "hang";
  };
}

/** FNV-1a, 32 bits: a PRNG's seed from a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
