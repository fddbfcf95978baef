/**
 * appointmentsCalendar, read back by an independent parser (Mozilla's ical.js): appointments booked, moved,
 * cancelled, held, confirmed and released through the real scheduler, in zones with and without daylight
 * saving (Lord Howe's is 30 minutes), on the days the clocks change, come back as events whose UID names
 * their appointment, at the exact instants, with the status, SEQUENCE and texts put in (a property); a moved
 * appointment keeps its UID under a higher SEQUENCE; and no input, of any type, fails otherwise than with a
 * typed InvalidArgumentError.
 */
import {
  type Appointment,
  createScheduler,
  InvalidArgumentError,
  isSchedulerError,
  type JsonObject,
} from "appointment-scheduler";
import {
  type AppointmentsCalendarOptions,
  appointmentsCalendar,
  appointmentUid,
} from "appointment-scheduler/icalendar";
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { hardText, type ParsedEvent, parseCalendar, shown } from "./support.js";

/** Zones with DST of an hour (both hemispheres' seasons), of 30 minutes (Lord Howe), and none. */
const ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"] as const;

/** Every instant at which one of the zones changes its offset in 2030–2031. */
const TRANSITIONS_MS = ZONES.flatMap((zone) => {
  const found: number[] = [];
  let at: Temporal.ZonedDateTime | null = Temporal.ZonedDateTime.from({ year: 2030, month: 1, day: 1, timeZone: zone });
  for (;;) {
    at = at.getTimeZoneTransition("next");
    if (at === null || at.year >= 2032) return found;
    found.push(at.epochMilliseconds);
  }
});

const MINUTE_MS = 60_000;
/** Every zone's offset is a multiple of 30 minutes, so an instant on this grid is a :00 or :30 local time. */
const GRID_MS = 30 * MINUTE_MS;
const FIRST_MS = Date.UTC(2030, 0, 1);

/** A start: near a change of the clocks (just before, on it, after), or anywhere in 2030–2031. */
const startMs = fc.oneof(
  fc
    .tuple(fc.constantFrom(...TRANSITIONS_MS), fc.integer({ min: -6, max: 6 }))
    .map(([transition, steps]) => transition + steps * GRID_MS),
  fc.integer({ min: 0, max: 2 * 365 * 48 }).map((steps) => FIRST_MS + steps * GRID_MS),
);

const TYPES = { checkup: { durationMinutes: 30 }, "long, with; \\ and\na break": { durationMinutes: 90 } };
const RESOURCE_IDS = ["room-1", "room; 2, ü"] as const;
const ALL_DAY = [["00:00", "24:00"]] as [string, string][];
const WEEK = Object.fromEntries(
  ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].map((day) => [day, ALL_DAY]),
);

/** What happens to an appointment before the calendar is made. */
type Life = "booked" | "cancelled" | "held" | "confirmed" | "released";

const appointmentSpec = fc.record({
  user: fc.integer({ min: 0, max: ZONES.length - 1 }),
  startMs,
  moves: fc.array(startMs, { maxLength: 2 }),
  life: fc.constantFrom<Life>("booked", "cancelled", "held", "confirmed", "released"),
  type: fc.constantFrom(undefined, ...Object.keys(TYPES)),
  resource: fc.constantFrom(undefined, ...RESOURCE_IDS),
  metadata: fc.option(
    fc.record({ summary: hardText, title: hardText, description: hardText, room: fc.integer() }, { requiredKeys: [] }),
    { nil: undefined },
  ),
  // What the caller's own functions answer, when the calendar is made with them.
  summary: hardText,
  description: fc.option(hardText),
});
type AppointmentSpec = typeof appointmentSpec extends fc.Arbitrary<infer T> ? T : never;

/**
 * A scheduler whose users live in {@link ZONES} (`u0` in the first, …), with two rooms open around the clock,
 * no limit worth the name, and ids that need escaping (so that the UID's encoding is tested too). Its clock
 * stands still at a time with milliseconds, which DTSTAMP, CREATED and LAST-MODIFIED drop.
 */
function clinic() {
  const clock = { now: Temporal.Instant.from("2029-06-01T08:15:30.750Z") };
  let ids = 0;
  const scheduler = createScheduler({
    timeZone: (userId) => ZONES[Number(userId.slice(1))] ?? "UTC",
    now: () => clock.now,
    generateId: () => `a.${++ids}@x; y,\\z`,
    policy: { limit: { max: 100, per: "day" }, allowOverlap: true, appointmentTypes: TYPES },
    resources: Object.fromEntries(
      RESOURCE_IDS.map((id) => [id, { timeZone: "UTC", weeklyHours: WEEK, capacity: 10_000 }]),
    ),
  });
  return { scheduler, clock };
}

/** Books `spec` and lives its life; answers the appointment as it is now. */
async function live(scheduler: ReturnType<typeof clinic>["scheduler"], spec: AppointmentSpec): Promise<Appointment> {
  const user = `u${spec.user}`;
  const options = {
    ...(spec.type === undefined ? {} : { type: spec.type }),
    ...(spec.resource === undefined ? {} : { resource: spec.resource }),
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata as JsonObject }),
  };
  const at = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms);
  if (spec.life === "held" || spec.life === "released") {
    const hold = await scheduler.hold(user, at(spec.startMs), options);
    return spec.life === "held" ? hold : scheduler.release(user, hold.id);
  }
  let appointment =
    spec.life === "confirmed"
      ? await scheduler.confirm(user, (await scheduler.hold(user, at(spec.startMs), options)).id)
      : await scheduler.book(user, at(spec.startMs), options);
  for (const move of spec.moves) {
    if (move !== appointment.start.epochMilliseconds) {
      appointment = await scheduler.reschedule(user, appointment.id, at(move));
    }
  }
  return spec.life === "cancelled" ? scheduler.cancel(user, appointment.id, { reason: "ill" }) : appointment;
}

const floorToSecond = (ms: number) => Math.floor(ms / 1000) * 1000;
const nonEmpty = (text: string | null | undefined) =>
  text === null || text === undefined || text === "" ? null : text;

/** The event the docs promise for `appointment`, made at `nowMs`, by the default texts or the caller's. */
function expectedEvent(
  appointment: Appointment,
  nowMs: number,
  custom: { summary: string; description: string | null; names: Record<string, string | null> } | null,
): ParsedEvent {
  const metadata = (appointment.metadata ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof metadata[key] === "string" ? nonEmpty(shown(metadata[key])) : null);
  const resource = appointment.resource?.id;
  const location =
    resource === undefined ? null : custom === null ? resource : nonEmpty(shown(custom.names[resource] ?? ""));
  const status = { booked: "CONFIRMED", held: "TENTATIVE", cancelled: "CANCELLED", released: "CANCELLED" }[
    appointment.status
  ];
  return {
    uid: expect.any(String) as unknown as string,
    sequence: appointment.version - 1,
    status,
    transparency: status === "CANCELLED" ? "TRANSPARENT" : null,
    summary:
      custom === null
        ? (text("summary") ??
          text("title") ??
          (appointment.type === null ? "Appointment" : shown(`Appointment: ${appointment.type}`)))
        : shown(custom.summary),
    description: custom === null ? text("description") : nonEmpty(shown(custom.description ?? "")),
    location,
    startMs: appointment.start.epochMilliseconds,
    endMs: appointment.end.epochMilliseconds,
    stampMs: floorToSecond(nowMs),
    createdMs: floorToSecond(appointment.createdAt.epochMilliseconds),
    lastModifiedMs: floorToSecond(appointment.updatedAt.epochMilliseconds),
  };
}

describe("appointmentsCalendar, read back by ical.js", () => {
  it("gives every appointment one event: its UID, exact instants, status, SEQUENCE and texts (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(appointmentSpec, { minLength: 1, maxLength: 6 }),
        fc.record({
          domain: fc.constantFrom(undefined, "clinic.example", "a-b.c0.example"),
          name: fc.option(hardText, { nil: undefined }),
          custom: fc.boolean(),
          names: fc.record({ "room-1": hardText, "room; 2, ü": fc.option(hardText) }),
          nowAsDate: fc.boolean(),
        }),
        async (specs, { domain, name, custom, names, nowAsDate }) => {
          const { scheduler, clock } = clinic();
          const booked: { appointment: Appointment; spec: AppointmentSpec }[] = [];
          for (const spec of specs) booked.push({ appointment: await live(scheduler, spec), spec });
          // The appointments as a feed reads them: each user's list, cancelled ones too.
          const appointments: Appointment[] = [];
          for (let user = 0; user < ZONES.length; user += 1) {
            appointments.push(...(await scheduler.list(`u${user}`, {}, { status: "all" })).appointments);
          }
          const specById = new Map(booked.map(({ appointment, spec }) => [appointment.id, spec]));
          const options: AppointmentsCalendarOptions = {
            domain,
            name,
            now: nowAsDate ? new Date(clock.now.epochMilliseconds) : clock.now,
            ...(custom
              ? {
                  summary: (appointment: Appointment) => specById.get(appointment.id)?.summary ?? "?",
                  description: (appointment: Appointment) => specById.get(appointment.id)?.description ?? null,
                  resourceName: (id: string) => names[id as keyof typeof names] ?? null,
                }
              : {}),
          };
          const calendar = parseCalendar(appointmentsCalendar(appointments, options));

          expect(calendar.version).toBe("2.0");
          expect(calendar.name).toBe(nonEmpty(shown(name ?? "")));
          expect(calendar.xWrCalName).toBe(calendar.name);
          expect(calendar.events).toHaveLength(appointments.length);
          const byUid = new Map(
            appointments.map((appointment) => [appointmentUid(appointment, { domain }), appointment]),
          );
          expect(byUid.size).toBe(appointments.length);
          for (const event of calendar.events) {
            const appointment = byUid.get(event.uid);
            expect(appointment).toBeDefined();
            if (appointment === undefined) return;
            const spec = specById.get(appointment.id);
            expect(appointment.status).toBe(
              spec?.life === "confirmed" ? "booked" : spec?.life === "booked" ? "booked" : spec?.life,
            );
            const texts = custom
              ? { summary: spec?.summary ?? "?", description: spec?.description ?? null, names }
              : null;
            expect(event).toEqual(expectedEvent(appointment, clock.now.epochMilliseconds, texts));
          }
        },
      ),
      { numRuns: 100, seed: 1_662_300 },
    );
  });

  it("keeps a moved appointment's UID under a higher SEQUENCE, and marks a cancelled one CANCELLED", async () => {
    const scheduler = createScheduler({ timeZone: "Europe/London" });
    const now = Temporal.Instant.from("2021-01-01T00:00:00Z");
    const eventOf = (appointment: Appointment) => {
      const [event] = parseCalendar(appointmentsCalendar([appointment], { now, domain: "clinic.example" })).events;
      return event;
    };

    const booked = await scheduler.book(42, "2030-03-30 09:00", { metadata: { summary: "Check-up" } });
    // Across the change to summer time: 09:00 GMT, then 09:00 BST, an hour less after it in UTC.
    const moved = await scheduler.reschedule(42, booked.id, "2030-03-31 09:00");
    const cancelled = await scheduler.cancel(42, booked.id);
    const [first, second, third] = [eventOf(booked), eventOf(moved), eventOf(cancelled)];

    expect(first).toMatchObject({
      uid: `${booked.id}.42@clinic.example`,
      sequence: 0,
      status: "CONFIRMED",
      transparency: null,
      startMs: Date.UTC(2030, 2, 30, 9),
      endMs: Date.UTC(2030, 2, 30, 9, 30),
      summary: "Check-up",
    });
    expect(second).toMatchObject({
      uid: first?.uid,
      sequence: 1,
      status: "CONFIRMED",
      startMs: Date.UTC(2030, 2, 31, 8),
    });
    expect(third).toMatchObject({ uid: first?.uid, sequence: 2, status: "CANCELLED", transparency: "TRANSPARENT" });
    expect(third?.startMs).toBe(second?.startMs);
  });

  it("shows a hold as tentative, confirmed or released, and an expired one as cancelled one revision on", async () => {
    const clock = { now: Temporal.Instant.from("2029-01-01T00:00:00Z") };
    const scheduler = createScheduler({ timeZone: "Australia/Lord_Howe", now: () => clock.now });
    const eventOf = (appointment: Appointment) =>
      parseCalendar(appointmentsCalendar([appointment], { now: clock.now })).events[0];

    const hold = await scheduler.hold(7, "2030-04-07 01:30", { ttl: { minutes: 10 } });
    expect(eventOf(hold)).toMatchObject({ status: "TENTATIVE", sequence: 0, transparency: null });
    expect(eventOf(await scheduler.confirm(7, hold.id))).toMatchObject({ status: "CONFIRMED", sequence: 1 });

    const released = await scheduler.release(7, (await scheduler.hold(7, "2030-04-08 10:00")).id);
    expect(eventOf(released)).toMatchObject({ status: "CANCELLED", sequence: 1, transparency: "TRANSPARENT" });

    const expiring = await scheduler.hold(7, "2030-04-09 10:00", { ttl: { minutes: 10 } });
    clock.now = clock.now.add({ minutes: 10 });
    expect(expiring.status).toBe("held");
    expect(eventOf(expiring)).toMatchObject({ status: "CANCELLED", sequence: 1, transparency: "TRANSPARENT" });
    // Just before its expiry it still holds its time.
    const before = appointmentsCalendar([expiring], { now: clock.now.subtract({ milliseconds: 1 }) });
    expect(parseCalendar(before).events[0]).toMatchObject({ status: "TENTATIVE", sequence: 0 });
  });

  it("gives the same id of two users two UIDs, and ids with separators UIDs of their own", async () => {
    const scheduler = createScheduler({ generateId: () => "same" });
    const [one, two] = [await scheduler.book("1", "2030-01-01 10:00"), await scheduler.book(2, "2030-01-01 10:00")];
    expect(appointmentUid(one)).toBe("same.1@appointment-scheduler.invalid");
    expect(appointmentUid(two)).toBe("same.2@appointment-scheduler.invalid");
    const events = parseCalendar(appointmentsCalendar([one, two])).events;
    expect(events.map((event) => event.uid)).toEqual([appointmentUid(one), appointmentUid(two)]);

    // "." and "@" are encoded, so no two pairs of ids share a UID; the UID is ASCII, without separators.
    expect(appointmentUid({ id: "a.b", userId: "c" })).not.toBe(appointmentUid({ id: "a", userId: "b.c" }));
    expect(appointmentUid({ id: "a@b", userId: "ü 😀\n;,\\" }, { domain: "clinic.example" })).toBe(
      "a%40b.%C3%BC%20%F0%9F%98%80%0A%3B%2C%5C@clinic.example",
    );
  });

  it("makes the same text for the same appointments at the same `now`, a Date or an Instant", async () => {
    const scheduler = createScheduler();
    const appointment = await scheduler.book(1, "2030-06-01 10:00", { metadata: { title: "Visit" } });
    const instant = Temporal.Instant.from("2031-02-03T04:05:06.789Z");
    const text = appointmentsCalendar([appointment], { now: instant });
    expect(appointmentsCalendar([appointment], { now: new Date(instant.epochMilliseconds) })).toBe(text);
    expect(text).toContain("\r\nDTSTAMP:20310203T040506Z\r\n");
    expect(text).toContain("\r\nSUMMARY:Visit\r\n");
    // Without `now`: the current time (the tests' clock starts at 2021-01-01, test/support/clock.ts).
    const [event] = parseCalendar(appointmentsCalendar([appointment])).events;
    expect(Math.abs((event?.stampMs ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it("writes the name and product id, and a calendar without appointments", () => {
    const calendar = parseCalendar(
      appointmentsCalendar([], {
        name: "Dr. Lee, Clinic; \\ 😀\r\nline",
        prodId: { company: "Acme, Inc.", product: "Bookings", language: "de-ch" },
      }),
    );
    expect(calendar).toEqual({
      version: "2.0",
      prodId: "-//Acme, Inc.//Bookings//DE-CH",
      name: "Dr. Lee, Clinic; \\ 😀\nline",
      xWrCalName: "Dr. Lee, Clinic; \\ 😀\nline",
      events: [],
    });
    // Escaped as TEXT: ical-generator writes the product id as given.
    expect(appointmentsCalendar([], { prodId: { company: "Acme, Inc.", product: "B" } })).toContain(
      "\r\nPRODID:-//Acme\\, Inc.//B//EN\r\n",
    );
    expect(appointmentsCalendar([])).toBe(
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//appointment-scheduler//appointment-scheduler//EN\r\nEND:VCALENDAR\r\n",
    );
  });

  it("defaults SUMMARY to the metadata's summary, its title, or Appointment with the type; LOCATION to the resource", async () => {
    const scheduler = createScheduler({
      policy: {
        allowOverlap: true,
        limit: { max: 10, per: "day" },
        appointmentTypes: { consult: { durationMinutes: 60 } },
      },
      resources: { "dr-lee": { timeZone: "UTC", weeklyHours: WEEK } },
    });
    const book = (metadata: JsonObject | undefined, extra: { type?: string; resource?: string } = {}) =>
      scheduler.book(1, "2030-05-02 10:00", { ...(metadata === undefined ? {} : { metadata }), ...extra });
    const appointments = [
      await book({ summary: "S", title: "T", description: "D" }, { resource: "dr-lee" }),
      await book({ summary: "", title: "T" }),
      await book({ summary: "\u0007", title: 3, description: "" }, { type: "consult" }),
      await book(undefined),
    ];
    const events = parseCalendar(appointmentsCalendar(appointments)).events;
    expect(events.map(({ summary, description, location }) => ({ summary, description, location }))).toEqual([
      { summary: "S", description: "D", location: "dr-lee" },
      { summary: "T", description: null, location: null },
      { summary: "Appointment: consult", description: null, location: null },
      { summary: "Appointment", description: null, location: null },
    ]);
    const named = parseCalendar(
      appointmentsCalendar(appointments.slice(0, 1), { resourceName: (id) => (id === "dr-lee" ? "Dr Lee" : null) }),
    );
    expect(named.events[0]?.location).toBe("Dr Lee");
    const unnamed = parseCalendar(appointmentsCalendar(appointments.slice(0, 1), { resourceName: () => null }));
    expect(unnamed.events[0]?.location).toBeNull();
  });
});

describe("appointmentsCalendar's refusals", () => {
  const appointment = createScheduler().book(1, "2030-01-01 10:00");

  /** The InvalidArgumentError `run` throws, or a failure. */
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof InvalidArgumentError) return { argument: error.argument, message: error.message };
      throw error;
    }
    throw new Error("not refused");
  };

  it("refuses bad options by name, also without appointments", () => {
    expect(refusal(() => appointmentsCalendar([], { domain: "clinic.example\nX-EVIL:1" }))).toMatchObject({
      argument: "options.domain",
      message: expect.stringContaining("domain name"),
    });
    for (const domain of ["", "a..b", "-a.example", "a_b.example", "a b", "clinic.example.", "x".repeat(64)]) {
      expect(refusal(() => appointmentsCalendar([], { domain })).argument).toBe("options.domain");
      expect(refusal(() => appointmentUid({ id: "1", userId: "1" }, { domain })).argument).toBe("options.domain");
    }
    const bad = (options: unknown) => refusal(() => appointmentsCalendar([], options as AppointmentsCalendarOptions));
    expect(bad(null).argument).toBe("options");
    expect(bad({ domian: "x.example" }).argument).toBe("options.domian");
    expect(bad({ name: 3 }).argument).toBe("options.name");
    expect(bad({ now: new Date(Number.NaN) }).argument).toBe("options.now");
    expect(bad({ now: "2030-01-01T00:00Z" }).argument).toBe("options.now");
    expect(bad({ now: Temporal.Instant.from("+010000-01-01T00:00Z") }).argument).toBe("options.now");
    expect(bad({ summary: "Visit" }).argument).toBe("options.summary");
    expect(bad({ resourceName: new Map() }).argument).toBe("options.resourceName");
    expect(bad({ prodId: "-//Acme//Bookings//EN" }).argument).toBe("options.prodId");
    expect(bad({ prodId: { company: "Acme" } }).argument).toBe("options.prodId.product");
    expect(bad({ prodId: { company: "Acme", product: "B", language: "en\nX" } }).argument).toBe(
      "options.prodId.language",
    );
    expect(bad({ prodId: { company: "Acme", product: "B", lang: "EN" } }).argument).toBe("options.prodId.lang");
  });

  it("refuses what is not an appointment, naming it, and an appointment given twice", async () => {
    const booked = await appointment;
    const bad = (appointments: unknown) => refusal(() => appointmentsCalendar(appointments as Appointment[]));
    expect(bad(undefined).argument).toBe("appointments");
    expect(bad("abc").argument).toBe("appointments");
    expect(bad([null]).argument).toBe("appointments[0]");
    expect(bad([booked, { ...booked, id: "other", start: "2030-01-01T10:00Z" }]).argument).toBe(
      "appointments[1].start",
    );
    expect(bad([{ ...booked, end: booked.start }]).argument).toBe("appointments[0].end");
    expect(bad([{ ...booked, status: "pending" }]).argument).toBe("appointments[0].status");
    expect(bad([{ ...booked, version: 0 }]).argument).toBe("appointments[0].version");
    expect(bad([{ ...booked, userId: "" }]).argument).toBe("appointments[0].userId");
    expect(bad([{ ...booked, id: "\ud800" }]).argument).toBe("appointments[0].id");
    expect(bad([{ ...booked, metadata: [] }]).argument).toBe("appointments[0].metadata");
    expect(bad([{ ...booked, resource: "dr-lee" }]).argument).toBe("appointments[0].resource");
    // An instant iCalendar cannot write: a year before 0000 in UTC.
    const early = Temporal.ZonedDateTime.from("0000-01-01T00:00[+14:00]");
    expect(bad([{ ...booked, start: early, end: early.add({ minutes: 30 }) }]).argument).toBe("appointments[0].start");
    expect(bad([booked, { ...booked }])).toMatchObject({
      argument: "appointments[1]",
      message: expect.stringContaining("given before"),
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(bad([revoked.proxy]).argument).toBe("appointments[0]");
    expect(bad(revoked.proxy).argument).toBe("appointments");
    const uidOf = (value: unknown, options?: unknown) =>
      refusal(() => appointmentUid(value as Appointment, options as { domain: string })).argument;
    expect(uidOf(null)).toBe("appointment");
    expect(uidOf({ id: 1, userId: "1" })).toBe("appointment.id");
    expect(uidOf({ id: "1" })).toBe("appointment.userId");
    expect(uidOf(booked, "clinic.example")).toBe("options");
    expect(uidOf(revoked.proxy)).toBe("appointment");
  });

  it("refuses what a caller's function answers if it is not a text, and lets its own errors through", async () => {
    const booked = await appointment;
    const wrong = (options: unknown) =>
      refusal(() => appointmentsCalendar([booked], options as AppointmentsCalendarOptions));
    expect(wrong({ summary: () => null })).toMatchObject({
      argument: "options.summary",
      message: expect.stringContaining("must return a string, not null"),
    });
    expect(wrong({ description: () => 3 }).argument).toBe("options.description");
    const own = new Error("the caller's own");
    expect(() =>
      appointmentsCalendar([booked], {
        summary: () => {
          throw own;
        },
      }),
    ).toThrow(own);
  });

  it("answers any value of any type with a calendar or an InvalidArgumentError, never a raw error (property)", async () => {
    const booked = await appointment;
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.array(fc.oneof(fc.anything(), fc.constant(booked)))),
        fc.oneof(
          fc.constant(undefined),
          fc.anything(),
          fc.dictionary(fc.constantFrom("domain", "now", "name"), fc.anything()),
        ),
        (appointments, options) => {
          try {
            expect(
              typeof appointmentsCalendar(appointments as Appointment[], options as AppointmentsCalendarOptions),
            ).toBe("string");
          } catch (error) {
            expect(isSchedulerError(error, "INVALID_ARGUMENT")).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });
});
