/**
 * whenAborted stands for `addEventListener("abort", …, { once: true })` and its removal, with one listener
 * per signal however many operations wait on it. For any sequence of operations starting and stopping to
 * wait, the callbacks called when the signal fires must be exactly those still waiting, once each, in the
 * order they started, as separate listeners would be.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { whenAborted } from "../../src/scheduler/abort-waiters.js";

/** What waiting on a signal may do: start waiting (a new waiter), or stop the `index`th waiter so far. */
type Step = { kind: "wait" } | { kind: "stop"; index: number };

const steps = fc.array(
  fc.oneof(
    fc.constant<Step>({ kind: "wait" }),
    fc.nat(30).map((index): Step => ({ kind: "stop", index })),
  ),
  { maxLength: 40 },
);

/** How a waiter waits on a signal: it starts, and the function returned stops it. */
type Wait = (signal: AbortSignal, onAbort: () => void) => () => void;

/** A listener of the platform's own per waiter: what whenAborted must match. */
const withListener: Wait = (signal, onAbort) => {
  const listener = () => onAbort();
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
};

/** Runs `plan` on a new signal, waiting with `wait`, then fires it twice; returns the waiters called, by number. */
function run(plan: readonly Step[], wait: Wait) {
  const controller = new AbortController();
  const called: number[] = [];
  const stops: (() => void)[] = [];
  for (const step of plan) {
    if (step.kind === "wait") {
      const waiter = stops.length;
      stops.push(wait(controller.signal, () => called.push(waiter)));
    } else {
      stops[step.index % Math.max(1, stops.length)]?.();
    }
  }
  controller.abort();
  controller.abort(); // a second abort calls nothing again
  return called;
}

describe("whenAborted", () => {
  it("calls exactly the waiters still waiting when the signal fires, once each, in order, as listeners would", () => {
    fc.assert(
      fc.property(steps, (plan) => {
        expect(run(plan, whenAborted)).toEqual(run(plan, withListener));
      }),
    );
  });

  it("adds one listener to a signal, whatever the number of waiters, and none once it has fired", () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    const stops = Array.from({ length: 5 }, () => whenAborted(controller.signal, () => {}));
    for (const stop of stops) stop();
    whenAborted(controller.signal, () => {});
    expect(add).toHaveBeenCalledTimes(1);
    controller.abort();
    // A signal that has fired gets a listener again, which never runs: as addEventListener after the abort.
    const late = vi.fn();
    whenAborted(controller.signal, late);
    expect(late).not.toHaveBeenCalled();
  });

  it("keeps each signal's waiters apart", () => {
    const first = new AbortController();
    const second = new AbortController();
    const onFirst = vi.fn();
    const onSecond = vi.fn();
    whenAborted(first.signal, onFirst);
    whenAborted(second.signal, onSecond);
    first.abort();
    expect(onFirst).toHaveBeenCalledTimes(1);
    expect(onSecond).not.toHaveBeenCalled();
    second.abort();
    expect(onSecond).toHaveBeenCalledTimes(1);
  });

  it("calls the same function twice when it waits twice, as two operations would need", () => {
    const controller = new AbortController();
    const callback = vi.fn();
    whenAborted(controller.signal, callback);
    whenAborted(controller.signal, callback);
    controller.abort();
    expect(callback).toHaveBeenCalledTimes(2);
  });

  it("calls every waiter when one of them throws, then throws the first failure, as the listener that fails", () => {
    // A look-alike that keeps the one listener, to call it as the platform would.
    let listener: (() => void) | undefined;
    const signal = {
      aborted: false,
      reason: undefined,
      addEventListener: (_type: string, added: () => void) => {
        listener = added;
      },
      removeEventListener: () => {},
    } as unknown as AbortSignal;
    const called: number[] = [];
    const first = new Error("first");
    whenAborted(signal, () => called.push(1));
    whenAborted(signal, () => {
      called.push(2);
      throw first;
    });
    whenAborted(signal, () => {
      called.push(3);
      throw new Error("second");
    });
    whenAborted(signal, () => called.push(4));
    expect(() => listener?.()).toThrow(first);
    expect(called).toEqual([1, 2, 3, 4]);
  });

  it("throws what an unusable look-alike's addEventListener throws, and waits on nothing", () => {
    const failure = new Error("no listeners here");
    const lookAlike = {
      aborted: false,
      reason: undefined,
      addEventListener: () => {
        throw failure;
      },
      removeEventListener: () => {},
    } as unknown as AbortSignal;
    expect(() => whenAborted(lookAlike, () => {})).toThrow(failure);
    // Not recorded as waited on: the next attempt tries the signal again.
    expect(() => whenAborted(lookAlike, () => {})).toThrow(failure);
  });
});
