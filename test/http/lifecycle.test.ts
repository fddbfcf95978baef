/**
 * Errors and lifecycle of the five example servers (issue 15), beyond what a route answers:
 *
 * - what Node.js rejects before any route runs (not valid HTTP, headers too large, too slow) is answered
 *   with the API's JSON error, on every server (Fastify's own answer replaced too);
 * - a request target in absolute form is routed by its path, alike on every server; CONNECT is a JSON 405;
 * - a stop (SIGINT, SIGTERM, `close()`) closes idle keep-alive connections at once, answers the requests in
 *   flight with `Connection: close` and closes their connections after the response, and exits promptly;
 * - a bad setting stops the program at start with one line on stderr and exit code 1.
 *
 * Everything on loopback, over raw `net` sockets where the bytes matter.
 */
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { connect, createServer as createNetServer, type Socket } from "node:net";
import { join } from "node:path";
import { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { createScheduler } from "appointment-scheduler";
import { describe, expect, it } from "vitest";
import { startExpressServer } from "../../examples/express.js";
import { startFastifyServer } from "../../examples/fastify.js";
import { startHonoServer } from "../../examples/hono.js";
import { signToken } from "../../examples/jwt-auth.js";
import { startKoaServer } from "../../examples/koa.js";
import { startNodeHttpServer } from "../../examples/node-http.js";
import { listen, type RunningServer, type ServerOptions } from "../../examples/scheduler-from-env.js";
import { answerClientError, originForm } from "../../src/http/client-errors.js";
import { newDataDir, runExample, runExampleToExit, stopExample } from "../support/run-example.js";
import { SlowStore } from "./support.js";

interface Example {
  readonly name: string;
  readonly start: (options: ServerOptions) => Promise<RunningServer>;
  readonly file: URL;
}

const EXAMPLES: readonly Example[] = [
  { name: "Express", start: startExpressServer, file: new URL("../../examples/express.ts", import.meta.url) },
  { name: "Fastify", start: startFastifyServer, file: new URL("../../examples/fastify.ts", import.meta.url) },
  { name: "Hono", start: startHonoServer, file: new URL("../../examples/hono.ts", import.meta.url) },
  { name: "Koa", start: startKoaServer, file: new URL("../../examples/koa.ts", import.meta.url) },
  { name: "node:http", start: startNodeHttpServer, file: new URL("../../examples/node-http.ts", import.meta.url) },
];

/** A response as read off the wire. */
interface WireResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly json: unknown;
}

/** How long a raw exchange may take before the test gives up on it. */
const WIRE_TIMEOUT_MS = 5_000;

/**
 * A raw loopback connection: write any bytes, read responses one by one (framed by `Content-Length`, which
 * every answer here has), and tell when the server closed the connection.
 */
class RawConnection {
  #received = Buffer.alloc(0);
  #ended = false;
  #wake: () => void = () => {};
  /** Resolves once the server has closed its side (or reset the connection). */
  readonly serverClosed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake();
    });
    // A reset after a complete answer is still a closed connection; what was received is kept.
    socket.on("error", () => {});
    this.serverClosed = new Promise((resolve) => {
      const ended = () => {
        this.#ended = true;
        this.#wake();
        resolve();
      };
      socket.once("end", ended);
      socket.once("close", ended);
    });
  }

  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawConnection(socket);
  }

  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next complete response. */
  async response(timeoutMs = WIRE_TIMEOUT_MS): Promise<WireResponse> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const parsed = this.#takeResponse();
      if (parsed) return parsed;
      if (this.#ended) throw new Error(`connection closed after ${JSON.stringify(this.#received.toString("latin1"))}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no complete response; received ${JSON.stringify(this.#received.toString())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves `true` once the server has closed the connection, `false` if it has not within `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([this.serverClosed.then(() => true), sleep(timeoutMs).then(() => false)]);
  }

  destroy(): void {
    this.socket.destroy();
  }

  #takeResponse(): WireResponse | undefined {
    const headEnd = this.#received.indexOf("\r\n\r\n");
    if (headEnd < 0) return undefined;
    const [statusLine = "", ...fields] = this.#received.subarray(0, headEnd).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(":");
      headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
    const length = Number(headers["content-length"]);
    if (!Number.isInteger(length)) throw new Error(`no Content-Length in ${JSON.stringify(fields)}`);
    const bodyEnd = headEnd + 4 + length;
    if (this.#received.length < bodyEnd) return undefined;
    const body = this.#received.subarray(headEnd + 4, bodyEnd).toString("utf8");
    this.#received = this.#received.subarray(bodyEnd);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    return { status: Number(statusLine.split(" ")[1]), headers, body, json };
  }
}

/** Sends `bytes` on a new connection; the response, and whether the server then closed the connection. */
async function exchange(url: string, bytes: string | Buffer): Promise<WireResponse & { closed: boolean }> {
  const connection = await RawConnection.open(url);
  try {
    connection.write(bytes);
    const response = await connection.response();
    return { ...response, closed: await connection.closedWithin(2_000) };
  } finally {
    connection.destroy();
  }
}

/** Starts `example` in this process, on `scheduler` (a fresh in-memory one by default). */
function startInProcess(example: Example, scheduler = createScheduler()): Promise<RunningServer> {
  return example.start({ scheduler, port: 0, host: "127.0.0.1", http: { onServerError: () => {} } });
}

const GET_HEAD = "GET /api/appointments/1 HTTP/1.1\r\nHost: localhost\r\n";
const EMPTY_LIST = { appointments: [], next_cursor: null };

/** Requests Node.js's parser rejects, and what each must be answered. */
const MALFORMED: readonly { name: string; bytes: string; status: number; code: string }[] = [
  {
    name: "a malformed request line",
    bytes: "GET /api/appointments/1 HTTP/1.1 and more\r\nHost: localhost\r\n\r\n",
    status: 400,
    code: "BAD_REQUEST",
  },
  { name: "a request line that is not HTTP", bytes: "HELLO\r\n\r\n", status: 400, code: "BAD_REQUEST" },
  {
    name: "a control character in a header value",
    bytes: `${GET_HEAD}X-Note: a\u0001b\r\n\r\n`,
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    name: "a space in a header name",
    bytes: `${GET_HEAD}X Note: ab\r\n\r\n`,
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    name: "a chunked body with a bad chunk size",
    bytes:
      "POST /api/appointments/1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
      'Transfer-Encoding: chunked\r\n\r\nzz\r\n{"appointment":"2021-04-22 11:30"}\r\n0\r\n\r\n',
    status: 400,
    code: "BAD_REQUEST",
  },
  {
    name: "20 KiB of headers",
    bytes: `${GET_HEAD}X-Padding: ${"a".repeat(20 * 1024)}\r\n\r\n`,
    status: 431,
    code: "HEADERS_TOO_LARGE",
  },
];

/**
 * Settings each example must refuse at start, with the message (after `Invalid setting: `). The first four
 * are tried on every example; the rest on one, as every example reads its settings through the same
 * `runIfMain`.
 */
const BAD_SETTINGS: readonly (readonly [NodeJS.ProcessEnv, string])[] = [
  [{ PORT: "abc" }, 'PORT must be an integer from 0 to 65535, not "abc"'],
  [{ PORT: "70000" }, 'PORT must be an integer from 0 to 65535, not "70000"'],
  [{ STORE: "nope" }, 'STORE must be sqlite or pglite, not "nope"'],
  [{ DATABASE_MIGRATE: "maybe" }, 'DATABASE_MIGRATE must be true or false, not "maybe"'],
  [{ PORT: "-1" }, 'PORT must be an integer from 0 to 65535, not "-1"'],
  [{ PORT: "80.5" }, 'PORT must be an integer from 0 to 65535, not "80.5"'],
  [
    { TABLE_PREFIX: "Bad-Prefix" },
    'TABLE_PREFIX must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit or sqlite_, not "Bad-Prefix"',
  ],
  [
    { TABLE_PREFIX: "sqlite_x" },
    'TABLE_PREFIX must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit or sqlite_, not "sqlite_x"',
  ],
  [
    { STORE: "pglite", TABLE_PREFIX: "9lives" },
    'TABLE_PREFIX must be 1 to 40 characters of a-z, 0-9 and _, not starting with a digit, not "9lives"',
  ],
  [{ HOST: "not a host" }, 'HOST must be a host name or an IP address (without brackets or port), not "not a host"'],
  [{ HOST: "[::1]" }, 'HOST must be a host name or an IP address (without brackets or port), not "[::1]"'],
  [{ STORE: "a\nb" }, 'STORE must be sqlite or pglite, not "a\\nb"'],
  [{ AUTH_JWT_SECRET: "too short" }, "AUTH_JWT_SECRET must be at least 32 characters (it has 9)"],
];

/** Runs `file` with `env` and expects it to refuse the setting: exit code 1, `message` alone on stderr. */
async function expectRefused(file: URL, env: NodeJS.ProcessEnv, message: string): Promise<void> {
  const dataDir = newDataDir();
  try {
    const { code, signal, stdout, stderr } = await runExampleToExit(file, { ...env, DATA_DIR: dataDir });
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(stderr).toBe(`Invalid setting: ${message}\n`);
    expect(stdout).not.toMatch(/listening/);
    // Nothing was opened: the data directory is as it was.
    expect(readdirSync(dataDir)).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe.each(EXAMPLES)("$name", (example) => {
  describe("requests rejected before any route runs", () => {
    it.each(MALFORMED)("answers $name with $status $code in JSON and closes the connection", async (malformed) => {
      const server = await startInProcess(example);
      try {
        const response = await exchange(server.url, malformed.bytes);
        expect(response.status).toBe(malformed.status);
        expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
        expect(response.headers.connection).toBe("close");
        expect(Number(response.headers["content-length"])).toBe(Buffer.byteLength(response.body));
        expect(response.json).toEqual({ code: malformed.code, message: expect.stringMatching(/\S/) });
        expect(response.closed).toBe(true);
        // The server still serves.
        const next = await exchange(server.url, `${GET_HEAD}Connection: close\r\n\r\n`);
        expect({ status: next.status, json: next.json }).toMatchObject({ status: 200, json: EMPTY_LIST });
      } finally {
        await server.close();
      }
    });
  });

  describe("a request target in absolute form", () => {
    it("is routed by its path", async () => {
      const server = await startInProcess(example);
      try {
        const response = await exchange(
          server.url,
          "GET http://other.example/api/appointments/1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        );
        expect(response.status).toBe(200);
        expect(response.json).toMatchObject(EMPTY_LIST);
      } finally {
        await server.close();
      }
    });

    it.each([
      "http:///api/appointments/1", // no host
      "http://user@other.example/api/appointments/1", // userinfo
      "ftp://other.example/api/appointments/1", // another scheme
      "*",
    ])("%s, which has no path to route by, is 404 ROUTE_NOT_FOUND", async (target) => {
      const server = await startInProcess(example);
      try {
        const response = await exchange(
          server.url,
          `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
        );
        expect(response.status).toBe(404);
        expect(response.json).toMatchObject({ code: "ROUTE_NOT_FOUND" });
      } finally {
        await server.close();
      }
    });
  });

  it("answers CONNECT, which reaches no route, 405 METHOD_NOT_ALLOWED in JSON with Allow, and closes the connection", async () => {
    const server = await startInProcess(example);
    const connection = await RawConnection.open(server.url);
    try {
      connection.write("CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n\r\n");
      const response = await connection.response();
      expect(response.status).toBe(405);
      expect(response.headers).toMatchObject({ allow: "GET, HEAD, POST, PATCH, DELETE", connection: "close" });
      expect(response.json).toMatchObject({ code: "METHOD_NOT_ALLOWED" });
      await connection.serverClosed;
    } finally {
      connection.socket.destroy();
      await server.close();
    }
  });

  describe("close()", () => {
    it("closes an idle keep-alive connection at once", async () => {
      const server = await startInProcess(example);
      const connection = await RawConnection.open(server.url);
      try {
        connection.write(`${GET_HEAD}\r\n`);
        const response = await connection.response();
        expect(response.status).toBe(200);
        expect(response.headers.connection).not.toBe("close");
        const started = performance.now();
        await server.close();
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(await connection.closedWithin(500)).toBe(true);
      } finally {
        connection.destroy();
        await server.close();
      }
    });

    it("answers requests in flight, and those still arriving, with Connection: close, then closes their connections", async () => {
      const server = await startInProcess(example, createScheduler({ store: new SlowStore(400) }));
      const busy = await RawConnection.open(server.url);
      const arriving = await RawConnection.open(server.url);
      try {
        busy.write(`${GET_HEAD}\r\n`);
        // A request on its way: its headers are not complete yet, so its connection is not idle.
        arriving.write(GET_HEAD);
        await sleep(100);
        const closing = server.close();
        arriving.write("\r\n");
        const [first, second] = await Promise.all([busy.response(), arriving.response()]);
        for (const response of [first, second]) {
          expect(response.status).toBe(200);
          expect(response.json).toMatchObject(EMPTY_LIST);
          expect(response.headers.connection).toBe("close");
        }
        expect(await busy.closedWithin(500)).toBe(true);
        expect(await arriving.closedWithin(500)).toBe(true);
        const stopped = await Promise.race([closing.then(() => true), sleep(1_000).then(() => false)]);
        expect(stopped).toBe(true);
      } finally {
        busy.destroy();
        arriving.destroy();
        await server.close();
      }
    });
  });

  describe("run as a program", () => {
    it("exits with code 0 at once on SIGINT while a keep-alive connection is open", async () => {
      const program = await runExample(example.file);
      const agent = new Agent({ keepAlive: true });
      try {
        const response = await get(`${program.url}/api/appointments/1`, agent);
        expect(response.statusCode).toBe(200);
        expect(response.headers.connection).toBe("keep-alive");
        // The agent keeps the connection open, idle, for the next request.
        expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
        const signalled = performance.now();
        program.child.kill("SIGINT");
        const [code, killedBy] = await program.exited;
        // Well under the 5 s that Node.js keeps an idle connection open by default.
        expect(performance.now() - signalled).toBeLessThan(2_000);
        expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
        expect(program.output()).toMatch(/Stopped/);
      } finally {
        agent.destroy();
        program.child.kill("SIGKILL");
      }
    });

    it("answers a request in flight at SIGTERM with Connection: close, closes its connection and exits with code 0", async () => {
      const program = await runExample(example.file);
      const connection = await RawConnection.open(program.url);
      try {
        const body = JSON.stringify({ appointment: "not a time" });
        // The headers and half the body: the request is in flight until the rest arrives.
        connection.write(
          "POST /api/appointments/1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
        );
        await sleep(200);
        program.child.kill("SIGTERM");
        await until(() => /SIGTERM received/.test(program.output()));
        connection.write(body.slice(10));
        const response = await connection.response();
        expect(response.status).toBe(400);
        expect(response.json).toMatchObject({ code: "INVALID_DATETIME" });
        expect(response.headers.connection).toBe("close");
        expect(await connection.closedWithin(1_000)).toBe(true);
        const [code, killedBy] = await program.exited;
        expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
        expect(program.output()).toMatch(/Stopped/);
      } finally {
        connection.destroy();
        program.child.kill("SIGKILL");
      }
    });
  });

  describe.concurrent("run as a program with a bad setting", () => {
    it.each(BAD_SETTINGS.slice(0, 4))(
      "%o: exit code 1 and one line on stderr, before opening anything",
      (env, message) => expectRefused(example.file, env, message),
    );
  });
});

describe.concurrent("node:http run as a program, more bad settings", () => {
  const file = new URL("../../examples/node-http.ts", import.meta.url);

  it("with AUTH_JWT_SECRET, takes bearer tokens signed with it and refuses requests without one", async () => {
    const secret = "a secret of at least thirty-two characters, for the test";
    const program = await runExample(file, { AUTH_JWT_SECRET: secret });
    try {
      expect(program.output()).toMatch(/bearer tokens signed with AUTH_JWT_SECRET/);
      const get = (headers: Record<string, string>) => fetch(`${program.url}/api/appointments/42`, { headers });
      expect((await get({})).status).toBe(401);
      // The tests' Date starts in 2021 (test/support/clock.ts); the server's clock is the real one.
      const token = await signToken(secret, { userId: "42", expiresIn: "20y" });
      const response = await get({ authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ appointments: [], next_cursor: null });
      expect(
        (await fetch(`${program.url}/api/appointments/43`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(403);
    } finally {
      await stopExample(program);
    }
  });

  it.each(BAD_SETTINGS.slice(4))("%o: exit code 1 and one line on stderr, before opening anything", (env, message) =>
    expectRefused(file, env, message),
  );

  it("DATA_DIR naming a file: exit code 1 and one line on stderr", async () => {
    const dir = newDataDir();
    const notADirectory = join(dir, "not-a-directory");
    writeFileSync(notADirectory, "");
    try {
      const { code, stderr } = await runExampleToExit(file, { DATA_DIR: notADirectory });
      expect(code).toBe(1);
      expect(stderr).toBe(`Invalid setting: DATA_DIR must be a directory, not ${JSON.stringify(notADirectory)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a port in use: exit code 1 and one line on stderr", async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { code, stderr } = await runExampleToExit(file, { PORT: String(port) });
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^Could not start on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*\\n$`));
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe("answerClientError", () => {
  /** A socket that records what is written to it. */
  const fakeSocket = (inFlight?: { headersSent: boolean }) => {
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk);
        callback();
      },
    });
    if (inFlight) Object.assign(socket, { _httpMessage: inFlight });
    return { socket, written };
  };
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it.each(["ECONNRESET", "EPIPE"])("only closes a connection the client dropped (%s)", (code) => {
    const { socket, written } = fakeSocket();
    answerClientError(withCode(code), socket);
    expect(socket.destroyed).toBe(true);
    expect(written).toEqual([]);
  });

  it("only closes a connection whose response has started: a second status line would corrupt it", () => {
    const { socket, written } = fakeSocket({ headersSent: true });
    answerClientError(withCode("HPE_INVALID_CHUNK_SIZE"), socket);
    expect(socket.destroyed).toBe(true);
    expect(written).toEqual([]);
  });

  it("answers a connection whose response has not started", async () => {
    const { socket, written } = fakeSocket({ headersSent: false });
    answerClientError(withCode("HPE_INVALID_CHUNK_SIZE"), socket);
    await new Promise((resolve) => socket.once("close", resolve));
    const answer = Buffer.concat(written).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('"code":"BAD_REQUEST"');
  });

  it("answers a request too slow to arrive with 408 TIMED_OUT", async () => {
    const server = createServer(
      { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 },
      (_, res) => res.end(),
    );
    const running = await listen(server, { scheduler: createScheduler(), port: 0 });
    const connection = await RawConnection.open(running.url);
    try {
      connection.write(GET_HEAD); // and never the end of the headers
      const response = await connection.response();
      expect(response.status).toBe(408);
      expect(response.headers.connection).toBe("close");
      expect(response.json).toEqual({ code: "TIMED_OUT", message: expect.stringMatching(/\S/) });
      expect(await connection.closedWithin(1_000)).toBe(true);
    } finally {
      connection.destroy();
      await running.close();
    }
  });
});

describe("originForm", () => {
  it.each([
    ["/api/appointments/1", "/api/appointments/1"],
    ["/api/appointments/1?limit=5", "/api/appointments/1?limit=5"],
    ["//api/appointments/1", "//api/appointments/1"],
    ["http://other.example/api/appointments/1", "/api/appointments/1"],
    ["https://other.example:8443/api/appointments/1?limit=5", "/api/appointments/1?limit=5"],
    ["HTTP://OTHER.EXAMPLE/api/appointments/1", "/api/appointments/1"],
    ["http://127.0.0.1:5000/api/appointments/1", "/api/appointments/1"],
    ["http://[::1]:5000/api/appointments/1", "/api/appointments/1"],
    ["http://other.example", "/"],
    ["http://other.example?limit=5", "/?limit=5"],
    // Kept byte for byte, as in origin form: neither normalised nor decoded.
    ["http://other.example/api/../api/appointments/%31", "/api/../api/appointments/%31"],
    // No path to route by: a path no route has.
    ["http:///api/appointments/1", "/http:///api/appointments/1"],
    ["http://user@other.example/api/appointments/1", "/http://user@other.example/api/appointments/1"],
    ["ftp://other.example/api/appointments/1", "/ftp://other.example/api/appointments/1"],
    ["http://other.example#top", "/http://other.example#top"],
    ["*", "/*"],
  ])("%s → %s", (target, expected) => {
    expect(originForm(target)).toBe(expected);
  });
});

/** GETs `url` through `agent`, reading the whole response. */
function get(url: string, agent: Agent): Promise<IncomingMessage & { text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve(Object.assign(res, { text })));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Resolves once `condition` holds, checking every 10 ms; rejects after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 5_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("timed out waiting");
    await sleep(10);
  }
}
