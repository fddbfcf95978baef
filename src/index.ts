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
  AppointmentNotBookedError,
  AppointmentNotFoundError,
  AppointmentStartedError,
  type BookingWindowBound,
  type ChangeNoticeRule,
  HoldExpiredError,
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
  NotHeldError,
  OperationAbortedError,
  OperationTimedOutError,
  OutcomeUnknownError,
  OutsideBookingWindowError,
  OutsideResourceHoursError,
  OverlappingAppointmentError,
  ResourceFullError,
  SchedulerError,
  type SchedulerErrorByCode,
  StoreUnavailableError,
  TooLateToChangeError,
  UnknownAppointmentTypeError,
  UnknownResourceError,
} from "./errors/scheduler-errors.js";
export type {
  Appointment,
  AppointmentChangeEvent,
  AppointmentChangeType,
  AppointmentResource,
  AppointmentStatus,
  AvailableSlot,
  PreviousAppointmentTimes,
} from "./model/appointment.js";
export type { JsonObject, JsonValue } from "./model/json.js";
export type {
  ResourceDefinition,
  ResourceException,
  ResourceResolver,
  Resources,
  Weekday,
  WorkingInterval,
} from "./resources/resource-definition.js";
export type {
  BookOptions,
  CancelOptions,
  HoldOptions,
  ListOptions,
  OperationOptions,
  ResourceChoiceOptions,
  WriteOptions,
} from "./scheduler/operation-options.js";
export type { AppointmentTypeOptions, Policy, PolicyOptions } from "./scheduler/policy.js";
export {
  type AppointmentPage,
  type AvailabilityOptions,
  type ChangePage,
  type ChangesOptions,
  createScheduler,
  type ListRange,
  type ResourceListOptions,
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
  ConfirmChange,
  HoldChange,
  IdempotencyClaim,
  MoveChange,
  MsRange,
  Occupancy,
  PreviousTimes,
  RecordQuery,
  ReleaseChange,
  ResourceChoice,
  ResourceClaim,
  ResourceRecordQuery,
  ResourceSpan,
  StoreOperationOptions,
  WriteRequest,
  WriteResult,
} from "./store/appointment-store.js";
export { canHoldPeriods, holdsPeriods, occupiesTime } from "./store/appointment-store.js";
export { MemoryStore } from "./store/memory-store.js";
export type { AmbiguousTimeRule, DateTimeInput } from "./time/parse-date-time.js";
export type { UserId } from "./user/user-id.js";
