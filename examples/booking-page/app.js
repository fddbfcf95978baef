/**
 * The booking page (issue 16): a patient enters their patient number (the API's user id), chooses a date,
 * books one of the free starts, and moves or cancels their appointments, through the appointments API of
 * the same origin (docs/http-api.md). Plain DOM, no framework, no build step.
 *
 * Accessibility: every field has a <label>, every action is a <button>; results are announced in the
 * role="status" region, failures in the role="alert" one (both are in the page from the start, so screen
 * readers watch them); after an action the focus goes where the patient continues (the booked or moved
 * appointment, the list after a cancellation), never to <body>.
 */

/** The clinic's page language, for dates: "Tuesday 22 April 2031". */
const LOCALE = "en-GB";
/** How long a request may take before the page calls it a network failure. */
const REQUEST_TIMEOUT_MS = 20_000;
/** A patient with more pages of appointments than this is not what this page is for. */
const MAX_LIST_PAGES = 10;

/**
 * What a patient reads for each error `code` of the API (docs/errors.md, docs/http-api.md), never the
 * API's own message or JSON. Codes this page cannot cause, or only through a bug, share a generic sentence.
 */
const GENERIC = "Something went wrong with that request. Please reload the page and try again.";
const MESSAGES = {
  LIMIT_REACHED: "You already have an appointment on that day. Cancel or change it first, or choose another date.",
  OVERLAPPING_APPOINTMENT: "That time overlaps another of your appointments. Please choose another time.",
  RESOURCE_FULL: "Sorry, that time has just been taken. Please choose another time.",
  OUTSIDE_RESOURCE_HOURS: "The practitioner is not working at that time. Please choose another time.",
  OUTSIDE_BOOKING_WINDOW:
    "That time cannot be booked online: it is too soon, too far ahead or in the past. Please choose another time.",
  MISALIGNED_START: "Appointments start on the hour or half hour. Please choose one of the times shown.",
  NONEXISTENT_LOCAL_TIME:
    "That time does not exist on that date because the clocks change. Please choose another time.",
  AMBIGUOUS_LOCAL_TIME: "That time happens twice on that date because the clocks change. Please choose another time.",
  INVALID_DATETIME: "That date is not valid. Please choose a date from the calendar.",
  INVALID_USER_ID: "We could not find that patient number. Please check it: it has digits only.",
  APPOINTMENT_STARTED: "This appointment has already started, so it can no longer be changed online.",
  TOO_LATE_TO_CHANGE: "It is too close to the appointment to change it online. Please call the clinic.",
  APPOINTMENT_CANCELLED: "This appointment was already cancelled.",
  APPOINTMENT_NOT_BOOKED: "This appointment is not confirmed yet, so it cannot be changed here.",
  NOT_FOUND: "We could not find that appointment. It may have been cancelled or changed: your list is up to date now.",
  UNKNOWN_RESOURCE: "That practitioner is not available for online booking. Please call the clinic.",
  UNKNOWN_APPOINTMENT_TYPE: "That kind of appointment cannot be booked online. Please call the clinic.",
  AUTHENTICATION_REQUIRED: "Please sign in to the clinic's website first, then try again.",
  FORBIDDEN: "You can only see and change your own appointments.",
  TIMED_OUT: "The booking system took too long to answer, and nothing was changed. Please try again.",
  STORE_UNAVAILABLE: "The booking system is not available at the moment. Please try again in a few minutes.",
  ABORTED: "The booking system is not available at the moment. Please try again in a few minutes.",
  OUTCOME_UNKNOWN: "We could not confirm whether that went through. Please try again: you will not be booked twice.",
  IDEMPOTENCY_KEY_IN_FLIGHT: "We are still working on your last request. Please wait a moment and try again.",
  INTERNAL_ERROR: "Something went wrong on our side. Please try again, or call the clinic.",
  INVALID_ARGUMENT: GENERIC,
  INVALID_TIME_ZONE: GENERIC,
  INVALID_JSON: GENERIC,
  INVALID_BODY: GENERIC,
  UNSUPPORTED_MEDIA_TYPE: GENERIC,
  PAYLOAD_TOO_LARGE: GENERIC,
  BAD_REQUEST: GENERIC,
  HEADERS_TOO_LARGE: GENERIC,
  ROUTE_NOT_FOUND: GENERIC,
  METHOD_NOT_ALLOWED: GENERIC,
  IDEMPOTENCY_KEY_REUSED: GENERIC,
  NOT_HELD: GENERIC,
  HOLD_EXPIRED: GENERIC,
};
/** Said after a change that was made, when the lists could not be reloaded after it. */
const LIST_NOT_UPDATED = "Your list could not be updated: please reload the page to see it.";
const NETWORK_FAILURE =
  "We could not reach the booking system. Please check your internet connection and try again: you will not be booked twice.";

/** The period a limit counts in, as the API's message for LIMIT_REACHED names it (day by default). */
function limitMessage(apiMessage) {
  const period = /\b(week|month)\b/.exec(apiMessage ?? "")?.[1];
  return period ? MESSAGES.LIMIT_REACHED.replace("on that day", `in that ${period}`) : MESSAGES.LIMIT_REACHED;
}

/** The patient's words for a failed request (see {@link request}). */
function problemOf(result) {
  if (result.network) return NETWORK_FAILURE;
  if (result.code === "LIMIT_REACHED") return limitMessage(result.message);
  return MESSAGES[result.code] ?? (result.status >= 500 ? MESSAGES.INTERNAL_ERROR : GENERIC);
}

// Times ------------------------------------------------------------------------------------------------------
//
// An appointment is shown at the wall-clock time it has at the clinic, read from the API's RFC 3339 string
// itself ("2031-04-22T11:30:00+02:00" is 22 April, 11:30), not converted to the browser's time zone: the
// patient must see the time of the appointment letter and the clinic's clock even on a phone set to another
// zone. The API gives the offset, not the zone's name, and an offset is all the wall clock needs: the string
// already holds it. Intl only names the weekday and month, of the date alone at UTC, which cannot shift it.

const DATE_FORMAT = new Intl.DateTimeFormat(LOCALE, {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** "2031-04-22" (or the date part of an RFC 3339 string) → "Tuesday 22 April 2031". */
function formatDate(isoDate) {
  const [year, month, day] = isoDate.slice(0, 10).split("-").map(Number);
  const parts = Object.fromEntries(
    DATE_FORMAT.formatToParts(Date.UTC(year, month - 1, day)).map((part) => [part.type, part.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

/** "2031-04-22T11:30:00+02:00" → "11:30", the clinic's wall clock. */
const clockOf = (rfc3339) => rfc3339.slice(11, 16);
const dateOf = (rfc3339) => rfc3339.slice(0, 10);
/** "Tuesday 22 April 2031 at 11:30". */
const whenOf = (rfc3339) => `${formatDate(rfc3339)} at ${clockOf(rfc3339)}`;

/** Today's date where the browser is, "YYYY-MM-DD": the first date the page offers. */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// Requests ---------------------------------------------------------------------------------------------------

/**
 * One request to the API: `{ ok: true, data }`, or `{ ok: false, network }` when no answer came, or
 * `{ ok: false, status, code, message }` for an error answer. Never throws.
 */
async function request(method, path, { body, idempotencyKey } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey !== undefined) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, network: true };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    // Not JSON (a proxy's error page): judged by the status alone.
    if (response.ok) return { ok: false, network: true };
  }
  if (response.ok) return { ok: true, data };
  return {
    ok: false,
    status: response.status,
    code: typeof data?.code === "string" ? data.code : undefined,
    message: typeof data?.message === "string" ? data.message : undefined,
  };
}

/** A fresh Idempotency-Key. `crypto.randomUUID` exists only on https and localhost, not on a LAN address. */
function newKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Keys of writes whose outcome the page does not know (no answer, a timeout, the store down), by the write
 * they belong to: trying the same action again sends the same key, so the API answers the first outcome
 * instead of booking twice. Any definite answer, success or refusal, forgets the key, so that trying again
 * later (after cancelling the other appointment) is a new request.
 */
const unsettledKeys = new Map();

function outcomeUnknown(result) {
  if (result.ok) return false;
  if (result.network) return true;
  return [408, 500, 503, 504].includes(result.status) || result.code === "IDEMPOTENCY_KEY_IN_FLIGHT";
}

async function write(method, path, body) {
  const action = `${method} ${path} ${JSON.stringify(body ?? null)}`;
  const idempotencyKey = unsettledKeys.get(action) ?? newKey();
  const result = await request(method, path, { body, idempotencyKey });
  if (outcomeUnknown(result)) unsettledKeys.set(action, idempotencyKey);
  else unsettledKeys.delete(action);
  return result;
}

// The page ---------------------------------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);
const el = {
  findForm: $("find-form"),
  patient: $("patient"),
  patientError: $("patient-error"),
  date: $("date"),
  dateError: $("date-error"),
  announcer: $("announcer"),
  problem: $("problem"),
  times: $("times"),
  timesHeading: $("times-heading"),
  moving: $("moving"),
  movingText: $("moving-text"),
  stopMoving: $("stop-moving"),
  timesForm: $("times-form"),
  slotsFieldset: $("slots-fieldset"),
  slotsLegend: $("slots-legend"),
  slotError: $("slot-error"),
  slots: $("slots"),
  noSlots: $("no-slots"),
  book: $("book"),
  mine: $("mine"),
  mineHeading: $("mine-heading"),
  noAppointments: $("no-appointments"),
  appointments: $("appointments"),
};

const state = {
  /** The patient number the lists were loaded for. */
  userId: "",
  /** The date whose free times are shown. */
  date: "",
  /** What the radio buttons offer: `{ slot, resource }`, by the radio's value. */
  choices: [],
  appointments: [],
  /** The appointment being moved, or null. */
  moving: null,
  /** A request is running: further clicks wait for it. */
  busy: false,
};

/** Practitioners to offer, from the page's own address: `/?resource=dr-lee,dr-kim` (none by default). */
const RESOURCES = new URLSearchParams(location.search).get("resource") ?? "";

let announcement = 0;
/** Says `text` in the status region, and clears the problem one. Set after a pause, so a repeat is heard. */
function announce(text) {
  showIn(el.announcer, text);
  el.problem.textContent = "";
}
/** Says `text` in the alert region, and clears the status one. */
function reportProblem(text) {
  showIn(el.problem, text);
  el.announcer.textContent = "";
}
function showIn(region, text) {
  const token = ++announcement;
  region.textContent = "";
  setTimeout(() => {
    if (token === announcement) region.textContent = text;
  }, 50);
}

/** Runs `action` unless another one is running, marking the page busy meanwhile. */
async function exclusive(action) {
  if (state.busy) return;
  state.busy = true;
  document.body.setAttribute("aria-busy", "true");
  try {
    await action();
  } finally {
    state.busy = false;
    document.body.removeAttribute("aria-busy");
  }
}

function setFieldError(input, errorElement, text) {
  errorElement.textContent = text;
  errorElement.hidden = text === "";
  if (text === "") input.removeAttribute("aria-invalid");
  else input.setAttribute("aria-invalid", "true");
}

// Loading ----------------------------------------------------------------------------------------------------

async function loadAppointments() {
  const appointments = [];
  let cursor = null;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const query = new URLSearchParams({ from: today() });
    if (cursor !== null) query.set("cursor", cursor);
    const result = await request("GET", `/api/appointments/${state.userId}?${query}`);
    if (!result.ok) return result;
    appointments.push(...result.data.appointments);
    cursor = result.data.next_cursor;
    if (cursor === null) break;
  }
  state.appointments = appointments;
  renderAppointments();
  return { ok: true };
}

async function loadSlots() {
  const query = new URLSearchParams({ date: state.date });
  if (state.moving) {
    // The times this appointment could move to: its own time counts against none of them (so the same date
    // is offered too), and it keeps its practitioner and type.
    query.set("moving", state.moving.id);
  } else if (RESOURCES !== "") {
    query.set("resource", RESOURCES);
  }
  const result = await request("GET", `/api/availability/${state.userId}?${query}`);
  if (!result.ok) return result;
  state.choices = result.data.slots.flatMap((slot) =>
    slot.resources ? slot.resources.map((resource) => ({ slot, resource })) : [{ slot, resource: null }],
  );
  renderSlots();
  return { ok: true };
}

/**
 * Reloads the patient's appointments, then the free times (whose explanation names the patient's appointment
 * that day). Answers the first failure, or null.
 */
async function refresh() {
  const appointments = await loadAppointments();
  if (!appointments.ok) return appointments;
  const slots = await loadSlots();
  return slots.ok ? null : slots;
}

// Rendering --------------------------------------------------------------------------------------------------

function renderSlots() {
  el.times.hidden = false;
  const dateText = formatDate(state.date);
  el.timesHeading.textContent = `Free times on ${dateText}`;
  // The group's name says the date to a screen reader; on screen, the heading above says it.
  const onDate = document.createElement("span");
  onDate.className = "visually-hidden";
  onDate.textContent = ` on ${dateText}`;
  el.slotsLegend.replaceChildren("Choose a time", onDate);
  el.book.textContent = state.moving ? "Move to this time" : "Book this time";
  setFieldError(el.slotsFieldset, el.slotError, "");
  el.slots.replaceChildren(
    ...state.choices.map(({ slot, resource }, index) => {
      const label = document.createElement("label");
      label.className = "slot";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "slot";
      input.value = String(index);
      const text = document.createElement("span");
      text.textContent = clockOf(slot.start);
      if (resource !== null) {
        const who = document.createElement("span");
        who.className = "slot-with";
        who.textContent = ` with ${resource}`;
        text.append(who);
      }
      label.append(input, text);
      return label;
    }),
  );
  const none = state.choices.length === 0;
  el.slotsFieldset.hidden = none;
  el.book.hidden = none;
  el.noSlots.hidden = !none;
  if (none) el.noSlots.textContent = noSlotsText();
}

function noSlotsText() {
  const text = `There are no free times on ${formatDate(state.date)}.`;
  const mine = state.appointments.find((appointment) => dateOf(appointment.start) === state.date);
  if (state.moving) return `${text} Please choose another date.`;
  if (mine) return `${text} You already have an appointment that day, at ${clockOf(mine.start)}.`;
  return `${text} Please choose another date.`;
}

function renderAppointments() {
  el.mine.hidden = false;
  el.noAppointments.hidden = state.appointments.length > 0;
  el.appointments.replaceChildren(...state.appointments.map(appointmentItem));
}

function appointmentItem(appointment) {
  const when = whenOf(appointment.start);
  const item = document.createElement("li");
  item.className = "appointment";
  item.dataset.id = appointment.id;

  const heading = document.createElement("h3");
  heading.tabIndex = -1;
  heading.className = "appointment-when";
  const date = document.createElement("time");
  date.dateTime = appointment.start;
  date.textContent = formatDate(appointment.start);
  const clock = document.createElement("span");
  clock.className = "appointment-clock";
  clock.textContent = `${clockOf(appointment.start)} to ${clockOf(appointment.end)}`;
  heading.append(date, ", ", clock);
  item.append(heading);
  if (appointment.resource) {
    const who = document.createElement("p");
    who.className = "appointment-with";
    who.textContent = `With ${appointment.resource}`;
    item.append(who);
  }

  const actions = document.createElement("div");
  actions.className = "actions";
  const move = button("Change time", "secondary", ` of the appointment on ${when}`);
  move.dataset.action = "move";
  const cancel = button("Cancel appointment", "quiet", ` on ${when}`);
  cancel.dataset.action = "cancel";
  actions.append(move, cancel);

  // Cancelling asks first, in place: the question gets the focus, the answers follow it.
  const confirm = document.createElement("div");
  confirm.className = "confirm";
  confirm.hidden = true;
  const question = document.createElement("p");
  question.tabIndex = -1;
  question.textContent = `Cancel your appointment on ${when}?`;
  const yes = button("Yes, cancel it", "danger");
  yes.dataset.action = "confirm-cancel";
  const no = button("No, keep it", "secondary");
  no.dataset.action = "keep";
  confirm.append(question, yes, no);

  item.append(actions, confirm);
  return item;
}

/** A button with visible `text`, and `hidden` words that complete its name for screen readers. */
function button(text, kind, hidden = "") {
  const element = document.createElement("button");
  element.type = "button";
  element.className = kind;
  element.textContent = text;
  if (hidden !== "") {
    const extra = document.createElement("span");
    extra.className = "visually-hidden";
    extra.textContent = hidden;
    element.append(extra);
  }
  return element;
}

function focusAppointment(id) {
  const item = [...el.appointments.children].find((li) => li.dataset.id === id);
  (item?.querySelector("h3") ?? el.mineHeading).focus();
}

function setMoving(appointment) {
  state.moving = appointment;
  el.moving.hidden = appointment === null;
  el.book.textContent = appointment ? "Move to this time" : "Book this time";
  if (appointment) {
    el.movingText.textContent = `Changing the time of your appointment on ${whenOf(appointment.start)}. Choose a new time below, or another date above.`;
  }
}

// Actions ----------------------------------------------------------------------------------------------------

async function find() {
  const userId = el.patient.value.trim();
  const date = el.date.value;
  setFieldError(el.patient, el.patientError, "");
  setFieldError(el.date, el.dateError, "");
  if (!/^[0-9]{1,255}$/.test(userId)) {
    setFieldError(
      el.patient,
      el.patientError,
      userId === "" ? "Enter your patient number." : "Your patient number has digits only.",
    );
    el.patient.focus();
    return;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    setFieldError(el.date, el.dateError, "Choose a date.");
    el.date.focus();
    return;
  }
  if (userId !== state.userId) setMoving(null);
  state.userId = userId;
  state.date = date;
  // The list first: the free times' explanation mentions the patient's appointment that day.
  const appointments = await loadAppointments();
  if (!appointments.ok) {
    reportProblem(problemOf(appointments));
    if (appointments.code === "INVALID_USER_ID") el.patient.focus();
    return;
  }
  const slots = await loadSlots();
  if (!slots.ok) {
    reportProblem(problemOf(slots));
    return;
  }
  const count = new Set(state.choices.map((choice) => choice.slot.start)).size;
  announce(
    count === 0
      ? el.noSlots.textContent
      : `${count} free ${count === 1 ? "time" : "times"} on ${formatDate(date)}. Choose one below.`,
  );
}

async function bookOrMove() {
  const checked = el.slots.querySelector("input:checked");
  const choice = checked ? state.choices[Number(checked.value)] : undefined;
  if (!choice) {
    setFieldError(el.slotsFieldset, el.slotError, "Choose a time first.");
    el.slots.querySelector("input")?.focus();
    return;
  }
  setFieldError(el.slotsFieldset, el.slotError, "");
  const moving = state.moving;
  // The start with its offset, not the wall-clock form: on the night clocks go back, 01:30 happens twice and
  // only the offset says which one was offered.
  const result = moving
    ? await write("PATCH", `/api/appointments/${state.userId}/${encodeURIComponent(moving.id)}`, {
        appointment: choice.slot.start,
      })
    : await write("POST", `/api/appointments/${state.userId}`, {
        appointment: choice.slot.start,
        ...(choice.resource === null ? {} : { resource: choice.resource }),
      });
  if (!result.ok) {
    // A refusal means the offer was out of date (taken meanwhile, another tab booked that day): show what is
    // true now, then say why. The focus stays on the button, or goes to the heading if no time is left.
    if (!outcomeUnknown(result)) await refresh();
    if (el.book.hidden) el.timesHeading.focus();
    reportProblem(problemOf(result));
    return;
  }
  const appointment = result.data;
  setMoving(null);
  const failed = await refresh();
  const withWhom = appointment.resource ? ` with ${appointment.resource}` : "";
  announce(
    `${moving ? "Moved to" : "Booked for"} ${whenOf(appointment.start)}${withWhom}.${failed ? ` ${LIST_NOT_UPDATED}` : ""}`,
  );
  focusAppointment(appointment.id);
}

async function cancel(appointment) {
  const result = await write("DELETE", `/api/appointments/${state.userId}/${encodeURIComponent(appointment.id)}`);
  if (!result.ok) {
    if (!outcomeUnknown(result)) await refresh();
    focusAppointment(appointment.id);
    reportProblem(problemOf(result));
    return;
  }
  if (state.moving?.id === appointment.id) setMoving(null);
  const failed = await refresh();
  announce(`Your appointment on ${whenOf(appointment.start)} is cancelled.${failed ? ` ${LIST_NOT_UPDATED}` : ""}`);
  el.mineHeading.focus();
}

el.findForm.addEventListener("submit", (event) => {
  event.preventDefault();
  exclusive(find);
});

el.timesForm.addEventListener("submit", (event) => {
  event.preventDefault();
  exclusive(bookOrMove);
});

el.slots.addEventListener("change", () => setFieldError(el.slotsFieldset, el.slotError, ""));

el.stopMoving.addEventListener("click", () => {
  const id = state.moving?.id;
  setMoving(null);
  renderSlots();
  announce("Your appointment was not changed.");
  const item = [...el.appointments.children].find((li) => li.dataset.id === id);
  (item?.querySelector("[data-action=move]") ?? el.mineHeading).focus();
});

el.appointments.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
  const item = target?.closest("li");
  const appointment = state.appointments.find((candidate) => candidate.id === item?.dataset.id);
  if (!target || !item || !appointment) return;
  const confirm = item.querySelector(".confirm");
  const actions = item.querySelector(".actions");
  switch (target.dataset.action) {
    case "move":
      exclusive(async () => {
        setMoving(appointment);
        el.announcer.textContent = "";
        const result = await loadSlots();
        if (!result.ok) reportProblem(problemOf(result));
        el.movingText.focus();
      });
      break;
    case "cancel":
      actions.hidden = true;
      confirm.hidden = false;
      confirm.querySelector("p").focus();
      break;
    case "keep":
      confirm.hidden = true;
      actions.hidden = false;
      actions.querySelector("[data-action=cancel]").focus();
      break;
    case "confirm-cancel":
      exclusive(() => cancel(appointment));
      break;
  }
});

el.date.min = today();
el.date.value = today();
