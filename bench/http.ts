/**
 * HTTP: each example server against the same framework answering the same JSON without the scheduler,
 * under the same mix of POST (a new user's booking) and GET (that user's list), driven by autocannon.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import type { Comparison, Section } from "./report.js";

const FRAMEWORKS = ["express", "fastify", "hono", "koa", "node-http"];
const CONNECTIONS = 10;
type Variant = "bare" | "bare-rule" | "example" | "example-stub" | "example-bounded";

/** Starts a server process and resolves with its URL, its CPU time so far, and a stop function. */
export async function startServer(framework: string, variant: Variant) {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./http-server.ts", import.meta.url)), framework, variant],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const stdout = child.stdout as NonNullable<ChildProcess["stdout"]>;
  const [line] = (await Promise.race([
    once(stdout, "data"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${framework} ${variant} server exited with code ${String(code)} before listening`);
    }),
  ])) as [Buffer];
  const url = /listening on (\S+)/.exec(line.toString())?.[1];
  if (!url) throw new Error(`${framework} ${variant} did not start: ${line.toString()}`);
  return {
    url,
    /** CPU time of the server process so far, in microseconds. */
    cpuUsage: async () => {
      const answer = once(child, "message");
      child.send("cpu");
      const [{ cpu }] = (await answer) as [{ cpu: NodeJS.CpuUsage }];
      return cpu;
    },
    stop: async () => {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The next user id to book for: never reused within a run, so that every booking is accepted. */
let user = 1;

/** Requests per second of `url` under the POST/GET mix, for `seconds`. */
export async function load(url: string, seconds: number) {
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
  return {
    rps: result.requests.average,
    total: result.requests.total,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** One server process under load: requests per second, and its CPU time per request. */
async function measure(framework: string, variant: Variant, seconds: number, notes: string[]) {
  const server = await startServer(framework, variant);
  try {
    await load(server.url, 1); // warm-up: JIT, connections
    const before = await server.cpuUsage();
    const result = await load(server.url, seconds);
    const after = await server.cpuUsage();
    if (result.failed > 0) notes.push(`${framework} ${variant}: ${result.failed} requests failed or were not 2xx`);
    return {
      rps: result.rps,
      user: after.user - before.user,
      system: after.system - before.system,
      requests: result.total,
    };
  } finally {
    await server.stop();
  }
}

/** Totals of one server variant over the rounds: mean requests per second, CPU time and requests. */
interface Totals {
  rps: number;
  user: number;
  system: number;
  requests: number;
}

/**
 * Measures each of `variants` of `framework` in `rounds`, each round starting one variant later, so that
 * every variant runs early and late alike and drift of the machine falls on all of them.
 */
async function measureRotating<V extends Variant>(
  framework: string,
  variants: readonly V[],
  rounds: number,
  seconds: number,
  notes: string[],
): Promise<Record<V, Totals>> {
  const totals = Object.fromEntries(
    variants.map((variant) => [variant, { rps: 0, user: 0, system: 0, requests: 0 }]),
  ) as Record<V, Totals>;
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length] as V;
      const result = await measure(framework, variant, seconds, notes);
      totals[variant].rps += result.rps / rounds;
      totals[variant].user += result.user;
      totals[variant].system += result.system;
      totals[variant].requests += result.requests;
    }
  }
  return totals;
}

export async function httpBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const seconds = quick ? 1 : 3;
  const rounds = quick ? 1 : 4;
  const variants = ["bare", "bare-rule", "example"] as const;
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  const cpuNotes: string[] = [];
  for (const framework of FRAMEWORKS) {
    const { bare, "bare-rule": fewLines, example } = await measureRotating(framework, variants, rounds, seconds, notes);
    const perRequest = (total: Totals) => ((total.user + total.system) / total.requests).toFixed(1);
    comparisons.push(
      { name: framework, unit: "req/s", baseline: bare.rps, measured: example.rps },
      { name: `${framework}: few lines, no library`, unit: "req/s", baseline: bare.rps, measured: fewLines.rps },
      // Issue 15's goal: each example at 0.9 of its own framework's few-lines booking server.
      {
        name: `${framework}: example vs few lines`,
        unit: "req/s",
        baseline: fewLines.rps,
        measured: example.rps,
        goal: 0.9,
      },
    );
    cpuNotes.push(
      `${framework} ${perRequest(bare)} µs bare, ${perRequest(fewLines)} µs few lines, ${perRequest(example)} µs example`,
    );
  }
  return {
    title: "HTTP: example servers against bare frameworks",
    method: `Each example (\`examples/*.ts\`, \`start…Server({ scheduler: createScheduler() })\`) against the same framework answering the same routes and JSON without the scheduler (\`bench/bare-servers.ts\`; a POST still parses its body), and, as the floor any booking server stands on, that bare server doing the seed's rule in a few lines of its own (“few lines, no library”: the in-memory baseline's \`BaselineBooker\`, \`crypto.randomUUID\` for ids, \`Date#toISOString\` for the times), every server answering the examples' JSON (an appointment's id, status, both time forms and its other fields), each in a process of its own. autocannon in the benchmark's process, ${CONNECTIONS} connections, alternating POST (a new user's \`2021-04-22 11:30\`, so every booking succeeds) and GET (that user's list), ${rounds} × ${seconds} s per server after a 1 s warm-up, the three servers in rotating order; requests per second (mean of autocannon's per-second counts). The goal is each example's rate against its own framework's few-lines server (the third row of each framework). The server's CPU time per request (user + system, \`process.cpuUsage()\` over the measured seconds) shows what each adds to a request, whatever the share of the machine's cores the load generator takes.`,
    comparisons,
    notes: [`server CPU time per request: ${cpuNotes.join("; ")}`, ...notes],
  };
}

/**
 * Where an example's time per request goes (`npm run bench -- http-breakdown`, and part of a full run):
 * the node:http example over a stand-in scheduler (the HTTP layer alone), over the scheduler with a store
 * that does not grow, and as measured above, against the bare server, in rotating order.
 */
export async function httpBreakdownBenchmark({ quick }: { quick: boolean }): Promise<Section> {
  const framework = "node-http";
  const seconds = quick ? 1 : 4;
  const rounds = quick ? 1 : 3;
  const variants = ["bare", "example-stub", "example-bounded", "example"] as const;
  const notes: string[] = [];
  const totals = await measureRotating(framework, variants, rounds, seconds, notes);
  const labels = {
    "example-stub": "HTTP layer only (stand-in scheduler)",
    "example-bounded": "+ scheduler (store kept at 1,000)",
    example: "+ growing store (the example)",
  };
  return {
    title: "HTTP breakdown: where the node:http example's time goes",
    method: `\`bench/http-server.ts\` variants, each against the bare \`node:http\` server: the \`node:http\` example over a stand-in scheduler that answers a fixed appointment with no work behind it (the example's routing and \`appointment-scheduler/http\`: body, deadline, JSON, errors), over \`createScheduler()\` with a \`MemoryStore\` replaced by an empty one after every 1,000 bookings, and the example as in the section above. Same load as above; ${rounds} × ${seconds} s per variant in rotating order. CPU time per request of the server process, user and system.`,
    comparisons: (["example-stub", "example-bounded", "example"] as const).map((variant) => ({
      name: labels[variant],
      unit: "req/s",
      baseline: totals.bare.rps,
      measured: totals[variant].rps,
    })),
    notes: [
      `server CPU time per request (user + system): ${variants
        .map((variant) => {
          const { user, system, requests } = totals[variant];
          return `${variant} ${(user / requests).toFixed(1)} + ${(system / requests).toFixed(1)} µs`;
        })
        .join("; ")}`,
      ...notes,
    ],
  };
}
