/**
 * HTTP: each example server against the same framework answering the same JSON without the scheduler,
 * under the same mix of POST (a new user's booking) and GET (that user's list), driven by autocannon.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { Comparison, Section } from "./report.js";

const FRAMEWORKS = ["express", "fastify", "hono", "koa", "node-http"];
const CONNECTIONS = 10;

/** Starts a server process and resolves with its URL and a stop function. */
async function startServer(framework: string, variant: "bare" | "example") {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./http-server.ts", import.meta.url)), framework, variant],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit"] },
  );
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  const url = /listening on (\S+)/.exec(line.toString())?.[1];
  if (!url) throw new Error(`${framework} ${variant} did not start: ${line.toString()}`);
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** The next user id to book for: never reused within a run, so that every booking is accepted. */
let user = 1;

/** Requests per second of `url` under the POST/GET mix, for `seconds`. */
async function load(url: string, seconds: number): Promise<{ rps: number; failed: number }> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appointment: "2021-04-22 11:30" }),
        setupRequest: (request) => ({ ...request, path: `/api/appointments/${user++}` }),
      },
      { method: "GET", setupRequest: (request) => ({ ...request, path: `/api/appointments/${user - 1}` }) },
    ],
  });
  return { rps: result.requests.average, failed: result.non2xx + result.errors + result.timeouts };
}

export async function httpBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const seconds = quick ? 1 : 4;
  const rounds = quick ? 1 : 2;
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  for (const framework of FRAMEWORKS) {
    const totals = { bare: 0, example: 0 };
    // Alternate, so that drift of the machine during the run falls on both alike.
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 ? (["example", "bare"] as const) : (["bare", "example"] as const)) {
        const server = await startServer(framework, variant);
        try {
          await load(server.url, 1); // warm-up
          const { rps, failed } = await load(server.url, seconds);
          if (failed > 0) notes.push(`${framework} ${variant}: ${failed} requests failed or were not 2xx`);
          totals[variant] += rps / rounds;
        } finally {
          await server.stop();
        }
      }
    }
    comparisons.push({ name: framework, unit: "req/s", baseline: totals.bare, measured: totals.example, goal: 0.9 });
  }
  return {
    title: "HTTP: example servers against bare frameworks",
    method: `Each example (\`examples/*.ts\`, in-memory scheduler) and the same framework answering the same JSON without the scheduler (\`bench/bare-servers.ts\`; a POST still parses its body), each in a process of its own. autocannon, ${CONNECTIONS} connections, alternating POST (a new user's \`2021-04-22 11:30\`, so every booking succeeds) and GET (that user's list), ${rounds} × ${seconds} s per server after a 1 s warm-up, baseline and example alternating; requests per second (mean).`,
    comparisons,
    notes,
  };
}
