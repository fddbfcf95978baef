/**
 * Runs before every test file: the wall clock reads 2021-01-01T00:00Z and goes on from there.
 *
 * The seed's examples, which the tests keep, are dated April 2021, and the scheduler refuses to cancel or
 * move an appointment that has started (`APPOINTMENT_STARTED`). A test that books on those dates with the
 * real clock could no longer cancel them. Only `Date` is faked (the polyfill's `Temporal.Now` reads it too);
 * timers, `AbortSignal.timeout` and `performance.now()` stay real, and the clock keeps moving with real
 * time. Tests of the clock's own rules pass `createScheduler({ now })`.
 */
import { vi } from "vitest";

vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2021, 0, 1), shouldAdvanceTime: true });
