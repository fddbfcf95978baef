/**
 * Through the scheduler, as examples: limits are counted from the facts a store keeps (each appointment's
 * local times), so they survive a change of policy and a change of the user's zone.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isSchedulerError } from "../errors/scheduler-errors.js";
import { createScheduler } from "../scheduler/scheduler.js";
import type { StoreContractCase } from "./contract-case.js";
import { schedulerClock } from "./requests.js";

/** The code a scheduler call rejected with, or `"ok"`. */
async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    if (!isSchedulerError(error)) throw error;
    return error.code;
  }
}

export const schedulerCases: StoreContractCase[] = [
  {
    group: "scheduler model",
    name: "limits survive a policy change: bookings made under one policy count under the next",
    async run(store, c) {
      const user = c.newUser();
      const daily = createScheduler({ store, now: schedulerClock });
      const weekly = createScheduler({ store, now: schedulerClock, policy: { limit: { max: 2, per: "week" } } });
      // Monday and Tuesday of the week of 2021-04-19, under the default one a day.
      assert.equal(await codeOf(daily.book(user, "2021-04-19 09:00")), "ok", "Monday under one a day");
      assert.equal(await codeOf(daily.book(user, "2021-04-20 09:00")), "ok", "Tuesday under one a day");
      // Two a week: the week already holds two.
      assert.equal(
        await codeOf(weekly.book(user, "2021-04-22 09:00")),
        "LIMIT_REACHED",
        "a third in the week under two a week",
      );
      assert.equal(await codeOf(weekly.book(user, "2021-04-26 09:00")), "ok", "the next week has room");
      // And back: the weekly scheduler's booking counts under one a day.
      assert.equal(
        await codeOf(daily.book(user, "2021-04-26 15:00")),
        "LIMIT_REACHED",
        "the weekly booking's day under one a day",
      );
    },
  },
  {
    group: "scheduler model",
    name: "limits survive a change of zone: an appointment keeps the dates it was booked on",
    async run(store, c) {
      const user = c.newUser();
      const tokyo = createScheduler({ store, now: schedulerClock, timeZone: "Asia/Tokyo" });
      const utc = createScheduler({ store, now: schedulerClock });
      // 07:00 on the 23rd in Tokyo is 22:00 UTC on the 22nd; booked in Tokyo, it occupies the 23rd.
      const booked = await tokyo.book(user, "2021-04-23 07:00");
      assert.equal(await codeOf(utc.book(user, "2021-04-22 15:00")), "ok", "the 22nd in UTC is free");
      assert.equal(await codeOf(utc.book(user, "2021-04-23 10:00")), "LIMIT_REACHED", "the 23rd in UTC is held");
      const listed = (await utc.list(user)).appointments;
      assert.ok(
        listed.some((a) => a.id === booked.id),
        "the Tokyo booking is listed by the UTC scheduler",
      );
    },
  },
];
