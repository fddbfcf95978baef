/**
 * The calendar feed routes in process: `GET /api/appointments/:userId/calendar.ics` answers the user's
 * booked and cancelled appointments as a calendar an independent parser (Mozilla's ical.js) reads back, and
 * `…/calendar-link` the path to subscribe to; a feed URL's token opens that user's feed only, until revoked.
 * (The conformance suite checks the same route on every example over real HTTP.)
 */
import { createScheduler, MemoryStore } from "appointment-scheduler";
import {
  type Authenticate,
  createAppointmentsHttpApi,
  createCalendarFeedTokens,
  type HttpResponse,
} from "appointment-scheduler/http";
import fc from "fast-check";
import ICAL from "ical.js";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";

const SECRET = "a secret of at least thirty-two bytes, for the tests";

const authenticate: Authenticate = (headers) => {
  const user = /^Bearer user-(\d+)$/.exec(headers.authorization ?? "")?.[1];
  return user === undefined ? null : { role: "user", userId: user };
};

function clinic(http: Parameters<typeof createAppointmentsHttpApi>[1] = {}) {
  const scheduler = createScheduler({
    store: new MemoryStore(),
    timeZone: "Europe/London",
    now: () => Temporal.Instant.from("2030-03-01T12:00Z"),
  });
  const api = createAppointmentsHttpApi(scheduler, { onServerError: () => {}, ...http });
  const get = (url: string, headers: Record<string, string> = {}) => api.handle("GET", url, { headers });
  return { scheduler, api, get };
}

/** The calendar's events, as ical.js reads them: UID, instants, status, sequence, summary. */
function eventsOf(response: HttpResponse) {
  expect(typeof response.body).toBe("string");
  const calendar = new ICAL.Component(ICAL.parse(response.body as string));
  return calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().getTime(),
      end: event.endDate.toJSDate().getTime(),
      status: component.getFirstPropertyValue("status"),
      sequence: event.sequence,
    };
  });
}

describe("GET /api/appointments/:userId/calendar.ics", () => {
  it("answers the user's booked and cancelled appointments as text/calendar, a moved one under its UID with a higher SEQUENCE", async () => {
    const { scheduler, get } = clinic();
    // Before and after the spring-forward night of Europe/London (2030-03-31).
    const kept = await scheduler.book(7, "2030-03-30 23:30");
    const moved = await scheduler.book(7, "2030-04-05 09:00");
    await scheduler.reschedule(7, moved.id, "2030-04-01 10:00");
    const cancelled = await scheduler.book(7, "2030-04-02 08:00");
    await scheduler.cancel(7, cancelled.id);
    await scheduler.hold(7, "2030-04-03 08:00");
    await scheduler.book(8, "2030-03-30 10:00");

    const response = await get("/api/appointments/7/calendar.ics");
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "private, no-cache",
    });
    const body = response.body as string;
    expect(body.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(body.endsWith("END:VCALENDAR\r\n")).toBe(true);

    const events = eventsOf(response);
    // Booked and cancelled ones; the hold (passing) and the other user's appointment are not in it.
    expect(events).toHaveLength(3);
    const byUid = new Map(events.map((event) => [event.uid, event]));
    const { appointments } = await scheduler.list(7, {}, { status: "all" });
    for (const appointment of appointments.filter((a) => a.status !== "held")) {
      const event = [...byUid.values()].find((e) => e.uid.startsWith(appointment.id));
      expect(event, appointment.id).toMatchObject({
        start: appointment.start.epochMilliseconds,
        end: appointment.end.epochMilliseconds,
        status: appointment.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
      });
    }
    const movedEvent = events.find((e) => e.uid.startsWith(moved.id));
    const keptEvent = events.find((e) => e.uid.startsWith(kept.id));
    expect(movedEvent?.sequence).toBeGreaterThan(keptEvent?.sequence ?? Number.POSITIVE_INFINITY);
  });

  it("answers an empty calendar for a user without appointments, and 404 INVALID_USER_ID for a bad user id", async () => {
    const { get } = clinic();
    const empty = await get("/api/appointments/99/calendar.ics");
    expect(empty.status).toBe(200);
    expect(eventsOf(empty)).toEqual([]);
    expect(await get("/api/appointments/x/calendar.ics")).toMatchObject({
      status: 404,
      body: { code: "INVALID_USER_ID" },
    });
  });
});

describe("feed tokens", () => {
  it("let a calendar app read the user's feed without the user's credentials, and only that feed", async () => {
    const versions = new Map<string, number>();
    const tokens = createCalendarFeedTokens({ secret: SECRET, version: (userId) => versions.get(userId) ?? 0 });
    const { scheduler, get } = clinic({ authenticate, calendar: { tokens } });
    await scheduler.book(7, "2030-04-22 10:00");

    // Without credentials: 401, as every route of a user.
    const anonymous = await get("/api/appointments/7/calendar.ics");
    expect(anonymous).toMatchObject({ status: 401, body: { code: "AUTHENTICATION_REQUIRED" } });
    // The user's bearer token reads the feed, and the link to it.
    expect((await get("/api/appointments/7/calendar.ics", { authorization: "Bearer user-7" })).status).toBe(200);
    const link = await get("/api/appointments/7/calendar-link", { authorization: "Bearer user-7" });
    expect(link.status).toBe(200);
    const { path } = link.body as { path: string };
    expect(path).toMatch(/^\/api\/appointments\/7\/calendar\.ics\?token=[A-Za-z0-9_-]{43}$/);
    expect(await get("/api/appointments/8/calendar-link", { authorization: "Bearer user-7" })).toMatchObject({
      status: 403,
    });

    // The link works without any header, for this user's feed only.
    const feed = await get(path);
    expect(feed.status).toBe(200);
    expect(eventsOf(feed)).toHaveLength(1);
    const token = new URL(path, "http://x").searchParams.get("token") as string;
    const otherUser = await get(`/api/appointments/8/calendar.ics?token=${token}`);
    expect(otherUser).toMatchObject({ status: 401, headers: { "WWW-Authenticate": 'Bearer realm="appointments"' } });
    expect((await get(`/api/appointments/7?token=${token}`)).status).toBe(401);
    expect((await get(`/api/appointments/7/calendar-link?token=${token}`)).status).toBe(401);

    // Revoked: a new version for the user, and the old link stops working; the new one works.
    versions.set("7", 1);
    expect(await get(path)).toMatchObject({ status: 401, body: { code: "AUTHENTICATION_REQUIRED" } });
    const renewed = await get("/api/appointments/7/calendar-link", { authorization: "Bearer user-7" });
    expect((renewed.body as { path: string }).path).not.toBe(path);
    expect((await get((renewed.body as { path: string }).path)).status).toBe(200);
  });

  it("verify only the token issued for that user, version and secret (property)", async () => {
    const tokens = createCalendarFeedTokens({ secret: SECRET });
    const other = createCalendarFeedTokens({ secret: `${SECRET}!` });
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[0-9]{1,12}$/),
        fc.stringMatching(/^[0-9]{1,12}$/),
        fc.nat({ max: 42 }),
        fc.string({ maxLength: 50 }),
        async (userId, otherUserId, position, junk) => {
          const token = await tokens.tokenFor(userId);
          expect(await tokens.verify(userId, token)).toBe(true);
          expect(await other.verify(userId, token)).toBe(false);
          if (otherUserId !== userId) expect(await tokens.verify(otherUserId, token)).toBe(false);
          // Any other text: a changed character, a truncation, or junk.
          const index = position % token.length;
          const changed = `${token.slice(0, index)}${token[index] === "A" ? "B" : "A"}${token.slice(index + 1)}`;
          expect(await tokens.verify(userId, changed)).toBe(false);
          expect(await tokens.verify(userId, token.slice(0, index))).toBe(false);
          if (junk !== token) expect(await tokens.verify(userId, junk)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuse a short secret, and an open API serves the feed and a link without a token", async () => {
    expect(() => createCalendarFeedTokens({ secret: "short" })).toThrow(/at least 32 bytes/);
    const { get } = clinic();
    expect((await get("/api/appointments/7/calendar-link")).body).toEqual({
      path: "/api/appointments/7/calendar.ics",
    });
  });
});
