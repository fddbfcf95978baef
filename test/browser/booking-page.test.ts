/**
 * The booking page (issue 16, examples/booking-page/) in a real browser: Debian's Chromium driven by
 * playwright-core, against the default example (Fastify) on a loopback port with an in-memory scheduler.
 * Every element is found by its label or role, so the test also proves that the labels and roles exist.
 *
 * Dates are in 2031: the server's clock is the test's fake one (2021, test/support/clock.ts) and the
 * browser's is the real one, and both must agree that the appointments are still to come.
 *
 * Without a browser (no /usr/bin/chromium, or `BROWSER_EXECUTABLE_PATH` naming none) the browser tests skip,
 * saying why; the serving tests run anyway. CI installs Debian's `chromium` package (.ci/run).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createScheduler, ERROR_CODES } from "appointment-scheduler";
import { HTTP_ERROR_CODES } from "appointment-scheduler/http";
import { type Browser, type BrowserContext, chromium, type Page, type Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_PAGE_FILES } from "../../examples/booking-page/serve.js";
import { startFastifyServer } from "../../examples/fastify.js";
import type { RunningServer } from "../../examples/scheduler-from-env.js";
import { send } from "../http/support.js";

const executablePath = process.env.BROWSER_EXECUTABLE_PATH || "/usr/bin/chromium";
const hasBrowser = existsSync(executablePath);
if (!hasBrowser) {
  console.warn(
    `test/browser: the booking page's browser tests are skipped: no browser at ${executablePath} ` +
      "(install Debian's chromium package, or set BROWSER_EXECUTABLE_PATH to a Chromium)",
  );
}

/** The little of the browser's `document` that the functions run in the page read (no DOM types here). */
declare const document: {
  readonly activeElement: { readonly id: string; readonly textContent: string | null } | null;
  readonly documentElement: { readonly scrollWidth: number };
};

const SCREENSHOT = new URL("../../test-results/booking-page.png", import.meta.url);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: RunningServer;
beforeAll(async () => {
  server = await startFastifyServer({ scheduler: createScheduler(), port: 0, host: "127.0.0.1" });
});
afterAll(() => server?.close());

describe("serving the booking page (Fastify example)", () => {
  const path = (url: string) => ({ method: "GET", path: url });

  it.each(BOOKING_PAGE_FILES.map((file) => [file.path, file] as const))("GET %s", async (_, file) => {
    const response = await send(server.url, path(file.path));
    expect(response.status).toBe(200);
    expect(response.text).toBe(file.text);
    expect(response.headers["content-type"]).toBe(file.contentType);
    expect(response.headers["content-type"]).toMatch(/; charset=utf-8$/);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cache-control"]).toBe("no-cache");
    const csp = response.headers["content-security-policy"];
    expect(csp).toContain("default-src 'none'");
    for (const directive of ["script-src", "style-src", "connect-src"]) expect(csp).toContain(`${directive} 'self'`);
    expect(csp).not.toContain("unsafe");

    const head = await send(server.url, { method: "HEAD", path: file.path });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers["content-type"]).toBe(file.contentType);

    const revalidated = await send(server.url, {
      method: "GET",
      path: file.path,
      headers: { "If-None-Match": response.headers.etag ?? "" },
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe("");
  });

  it("uses an ES module and a style sheet of its own, and nothing inline", () => {
    const html = BOOKING_PAGE_FILES.find((file) => file.path === "/")?.text ?? "";
    expect(html).toContain('<script type="module" src="/booking-page/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/booking-page/style.css" />');
    expect(html).not.toMatch(/<style|\sstyle=|<script>|\son[a-z]+=/);
  });

  it.each([
    "/index.html",
    "/booking-page/",
    "/booking-page/index.html",
    "/booking-page/serve.ts",
    "/booking-page/../fastify.ts",
    "/booking-page/%2e%2e/fastify.ts",
    "/booking-page/..%2ffastify.ts",
    "/booking-page//app.js",
    "/booking-page/APP.JS",
    "//booking-page/app.js",
    "/examples/booking-page/app.js",
  ])("anything else is the API's JSON 404: %s", async (url) => {
    const response = await send(server.url, path(url));
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(response.json).toMatchObject({ code: "ROUTE_NOT_FOUND" });
  });

  it("answers other methods on the page's paths as any path the API does not have", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const response = await send(server.url, { method, path: "/" });
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ code: "ROUTE_NOT_FOUND" });
    }
  });

  it("has words for every error code the API answers", () => {
    const script = BOOKING_PAGE_FILES.find((file) => file.path.endsWith(".js"))?.text ?? "";
    const messages = script.slice(
      script.indexOf("const MESSAGES = {"),
      script.indexOf("};", script.indexOf("MESSAGES")),
    );
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(HTTP_ERROR_CODES)]) {
      expect(messages, code).toMatch(new RegExp(`\\n  ${code}:\\s`));
    }
  });
});

describe.skipIf(!hasBrowser)("the booking page in Chromium", () => {
  let browser: Browser;
  let context: BrowserContext;
  /** Every write the page sent, with its Idempotency-Key. */
  const writes: { method: string; url: string; key: string | undefined }[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    context = await browser.newContext({ viewport: { width: 900, height: 900 }, locale: "en-GB" });
    context.setDefaultTimeout(10_000);
    context.on("request", (request: Request) => {
      if (["POST", "PATCH", "DELETE"].includes(request.method())) {
        writes.push({ method: request.method(), url: request.url(), key: request.headers()["idempotency-key"] });
      }
    });
    // Script errors and refusals by the Content-Security-Policy; not the browser's log of every 4xx answer
    // (a refused booking, the favicon it asks for) nor of the connection the test cuts on purpose.
    context.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
        consoleErrors.push(message.text());
      }
    });
    context.on("weberror", (error) => consoleErrors.push(error.error().message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  /** Opens the page, and shows the free times of `date` for `patient`. */
  async function search(page: Page, patient: string, date: string) {
    if (!page.url().startsWith(server.url)) await page.goto(`${server.url}/`);
    await page.getByLabel("Patient number").fill(patient);
    await page.getByLabel("Date").fill(date);
    await page.getByRole("button", { name: "Show free times" }).click();
  }

  /** Waits until the status region says `text`. */
  const announced = (page: Page, text: string) => page.getByRole("status").filter({ hasText: text }).waitFor();
  /** Waits until the alert region says `text`. */
  const alerted = (page: Page, text: string) => page.getByRole("alert").filter({ hasText: text }).waitFor();
  /** Waits until the focused element's text is `text` (or starts with it, ending in "…"). */
  const focusOn = (page: Page, text: string) =>
    page.waitForFunction((expected) => {
      const actual = document.activeElement?.textContent?.trim() ?? "";
      return expected.endsWith("…") ? actual.startsWith(expected.slice(0, -1)) : actual === expected;
    }, text);
  const listed = (page: Page) => page.getByRole("list").getByRole("listitem").allTextContents();

  it("books a time, refuses a second one that day in words, and cancels", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    // The form is usable from the keyboard, in reading order.
    await page.getByLabel("Patient number").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("date");

    await search(page, "1001", "2031-04-22");
    await announced(page, "48 free times on Tuesday 22 April 2031.");
    await page.getByRole("heading", { name: "Free times on Tuesday 22 April 2031" }).waitFor();

    // A second tab, showing the same free times, as they are before the booking.
    const other = await context.newPage();
    await search(other, "1001", "2031-04-22");
    await announced(other, "48 free times");

    await page.getByRole("radio", { name: "11:30" }).check();
    await page.getByRole("button", { name: "Book this time" }).click();
    await announced(page, "Booked for Tuesday 22 April 2031 at 11:30.");
    // The focus is on the booked appointment, in the list.
    await focusOn(page, "Tuesday 22 April 2031, 11:30 to 12:00");
    expect(await listed(page)).toEqual([expect.stringContaining("Tuesday 22 April 2031, 11:30 to 12:00")]);
    await page.getByText("There are no free times on Tuesday 22 April 2031.").waitFor();

    // The other tab still offers 15:00; the API refuses it, and the patient reads why, not the API's JSON.
    await other.getByRole("radio", { name: "15:00" }).check();
    await other.getByRole("button", { name: "Book this time" }).click();
    await alerted(other, "You already have an appointment on that day.");
    const alert = (await other.getByRole("alert").textContent()) ?? "";
    expect(alert).not.toMatch(/LIMIT_REACHED|[{}"]|User already has/);
    // …and now shows what is true: the appointment booked in the first tab, no free time left that day.
    expect(await listed(other)).toEqual([expect.stringContaining("11:30 to 12:00")]);
    await other.getByText("You already have an appointment that day, at 11:30.").waitFor();
    await other.close();

    // Cancelling asks first; the question takes the focus.
    await page.getByRole("button", { name: "Cancel appointment on Tuesday 22 April 2031 at 11:30" }).click();
    await focusOn(page, "Cancel your appointment on Tuesday 22 April 2031 at 11:30?");
    await page.getByRole("button", { name: "Yes, cancel it" }).click();
    await announced(page, "Your appointment on Tuesday 22 April 2031 at 11:30 is cancelled.");
    await focusOn(page, "Your appointments");
    expect(await listed(page)).toEqual([]);
    await page.getByText("You have no appointments booked.").waitFor();
    await page.getByRole("radio", { name: "11:30" }).waitFor();

    const response = await send(server.url, { method: "GET", path: "/api/appointments/1001?status=all" });
    expect(response.json).toMatchObject({
      appointments: [{ start_time: "2031-04-22 11:30", status: "cancelled" }],
    });
    await page.close();
  });

  it("retries with the same key after a lost answer, moves an appointment, and fits a phone", async () => {
    const page = await context.newPage();
    await search(page, "1002", "2031-04-22");
    await announced(page, "48 free times");

    // The booking reaches the server, but its answer is lost on the way back: the page says so.
    let lost = false;
    await page.route("**/api/appointments/1002", async (route) => {
      if (route.request().method() !== "POST" || lost) return route.fallback();
      lost = true;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("radio", { name: "09:00" }).check();
    await page.getByRole("button", { name: "Book this time" }).click();
    await alerted(page, "We could not reach the booking system.");
    // Trying again sends the same Idempotency-Key: the API answers the first booking, not LIMIT_REACHED.
    await page.getByRole("button", { name: "Book this time" }).click();
    await announced(page, "Booked for Tuesday 22 April 2031 at 09:00.");
    const posts = writes.filter((write) => write.method === "POST" && write.url.endsWith("/api/appointments/1002"));
    expect(posts).toHaveLength(2);
    expect(posts[0]?.key).toMatch(UUID);
    expect(posts[1]?.key).toBe(posts[0]?.key);

    // Move it to the next day.
    await page
      .getByRole("button", { name: "Change time of the appointment on Tuesday 22 April 2031 at 09:00" })
      .click();
    await focusOn(page, "Changing the time of your appointment on Tuesday 22 April 2031 at 09:00.…");
    await page.getByLabel("Date").fill("2031-04-23");
    await page.getByRole("button", { name: "Show free times" }).click();
    await announced(page, "48 free times on Wednesday 23 April 2031.");
    await page.getByRole("radio", { name: "14:30" }).check();
    await page.getByRole("button", { name: "Move to this time" }).click();
    await announced(page, "Moved to Wednesday 23 April 2031 at 14:30.");
    await focusOn(page, "Wednesday 23 April 2031, 14:30 to 15:00");
    expect(await listed(page)).toEqual([expect.stringContaining("Wednesday 23 April 2031, 14:30 to 15:00")]);
    await page.getByRole("button", { name: "Book this time" }).waitFor({ state: "hidden" });

    // And to another time the same day, which a booking could not take (one a day): a move is offered it.
    await page
      .getByRole("button", { name: "Change time of the appointment on Wednesday 23 April 2031 at 14:30" })
      .click();
    await page.getByRole("button", { name: "Show free times" }).click();
    await announced(page, "free times on Wednesday 23 April 2031.");
    await page.getByRole("radio", { name: "16:00" }).check();
    await page.getByRole("button", { name: "Move to this time" }).click();
    await announced(page, "Moved to Wednesday 23 April 2031 at 16:00.");
    expect(await listed(page)).toEqual([expect.stringContaining("Wednesday 23 April 2031, 16:00 to 16:30")]);

    // Every write carried a key of its own (the retry aside).
    const pageWrites = writes.filter((write) => write.url.includes("/api/appointments/1002"));
    expect(pageWrites.map((write) => write.method)).toEqual(["POST", "POST", "PATCH", "PATCH"]);
    expect(new Set(pageWrites.map((write) => write.key)).size).toBe(3);

    // The picture for the docs: a date chosen, its free times, one appointment.
    await page.getByLabel("Date").fill("2031-04-24");
    await page.getByRole("button", { name: "Show free times" }).click();
    await announced(page, "48 free times on Thursday 24 April 2031.");
    await page.getByRole("radio", { name: "10:00" }).check();
    mkdirSync(new URL(".", SCREENSHOT), { recursive: true });
    await page.screenshot({ path: fileURLToPath(SCREENSHOT), fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe("PNG");

    // A phone's width: nothing wider than the screen.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
