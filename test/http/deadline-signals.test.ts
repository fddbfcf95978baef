/** Shared deadline signals: never early, at most one slice late, one timer per slice of requests. */
import { describe, expect, it } from "vitest";
import { deadlineSignals } from "../../src/http/deadline-signals.js";

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("deadlineSignals", () => {
  it("gives requests of one slice the same signal, and a later request a new one", async () => {
    const deadline = deadlineSignals(200); // slices of 10 ms
    const first = deadline();
    expect(deadline()).toBe(first);
    await sleep(15);
    expect(deadline()).not.toBe(first);
  });

  it("fires after the deadline, at most one slice later, as a TimeoutError", async () => {
    const deadline = deadlineSignals(200);
    const startedAt = performance.now();
    const signal = deadline();
    await aborted(signal);
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(200 + 10 + 150); // one slice, plus timer slack on a busy CI machine
    expect((signal.reason as Error).name).toBe("TimeoutError");
  });

  it("lets many requests listen to one signal without a listener-leak warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const signal = deadlineSignals(1000)();
      for (let i = 0; i < 50; i++) signal.addEventListener("abort", () => {});
      await sleep(10);
      expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
