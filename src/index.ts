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
  AppointmentCancelledError,
  AppointmentNotFoundError,
  AppointmentStartedError,
  type BookingWindowBound,
  type ChangeNoticeRule,
  IdempotencyKeyReusedError,
  InvalidArgumentError,
  InvalidDateTimeError,
  InvalidTimeZoneError,
  InvalidUserIdError,
  isSchedulerError,
  type KnownSchedulerError,
  type LimitPeriod,
  LimitReachedError,
  MisalignedStartError,
  NonexistentLocalTimeError,
  OperationAbortedError,
  OperationTimedOutError,
  OutcomeUnknownError,
  OutsideBookingWindowError,
  OverlappingAppointmentError,
  SchedulerError,
  type SchedulerErrorByCode,
  StoreUnavailableError,
  TooLateToChangeError,
} from "./errors/scheduler-errors.js";
export type {
  Appointment,
  AppointmentChangeEvent,
  AppointmentChangeType,
  AppointmentStatus,
  AvailableSlot,
  PreviousAppointmentTimes,
} from "./model/appointment.js";
export type { JsonObject, JsonValue } from "./model/json.js";
export type {
  BookOptions,
  CancelOptions,
  ListOptions,
  OperationOptions,
  WriteOptions,
} from "./scheduler/operation-options.js";
export type { Policy, PolicyOptions } from "./scheduler/policy.js";
export {
  type AppointmentPage,
  type ChangePage,
  type ChangesOptions,
  createScheduler,
  type ListRange,
  type Scheduler,
  type SchedulerOptions,
  type TimeZoneResolver,
} from "./scheduler/scheduler.js";
export type { DateInput } from "./scheduler/slot-grid.js";
export type {
  AppointmentChange,
  AppointmentRecord,
  AppointmentStore,
  AppointmentTimes,
  BookChange,
  CancelChange,
  ChangeQuery,
  ChangeRecord,
  ChangeType,
  IdempotencyClaim,
  MoveChange,
  MsRange,
  Occupancy,
  PreviousTimes,
  RecordQuery,
  StoreOperationOptions,
  WriteRequest,
  WriteResult,
} from "./store/appointment-store.js";
export { holdsPeriods } from "./store/appointment-store.js";
export { MemoryStore } from "./store/memory-store.js";
export type { AmbiguousTimeRule, DateTimeInput } from "./time/parse-date-time.js";
export type { UserId } from "./user/user-id.js";
