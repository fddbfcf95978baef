/**
 * appointment-scheduler: correct appointment booking as a library.
 *
 * `createScheduler()` gives a {@link Scheduler} with the booking rules (duration, alignment, per-user
 * limits), time-zone and daylight-saving handling, typed errors, and a pluggable, atomic
 * {@link AppointmentStore}.
 *
 * @module
 */
export { ERROR_CODES, type ErrorCode } from "./errors/error-codes.js";
export {
  AmbiguousLocalTimeError,
  AppointmentNotFoundError,
  InvalidArgumentError,
  InvalidDateTimeError,
  InvalidTimeZoneError,
  InvalidUserIdError,
  isSchedulerError,
  type LimitPeriod,
  LimitReachedError,
  MisalignedStartError,
  NonexistentLocalTimeError,
  OperationAbortedError,
  OperationTimedOutError,
  OutsideBookingWindowError,
  SchedulerError,
  StoreUnavailableError,
} from "./errors/scheduler-errors.js";
export {
  type Appointment,
  type AvailableSlot,
  toWireAppointment,
  type WireAppointment,
} from "./scheduler/appointment.js";
export type { OperationOptions } from "./scheduler/operation-options.js";
export type { Policy, PolicyOptions } from "./scheduler/policy.js";
export {
  createScheduler,
  type ListRange,
  type Scheduler,
  type SchedulerOptions,
  type TimeZoneResolver,
} from "./scheduler/scheduler.js";
export type { DateInput } from "./scheduler/slot-grid.js";
export type {
  AppointmentRecord,
  AppointmentStore,
  HoldersWindow,
  InsertAppointmentRequest,
  InsertAppointmentResult,
  RecordRange,
  StoreOperationOptions,
} from "./store/appointment-store.js";
export { MemoryStore } from "./store/memory-store.js";
export { formatWireTime } from "./time/format.js";
export type { AmbiguousTimeRule, DateTimeInput } from "./time/parse-date-time.js";
export type { UserId } from "./user/user-id.js";
