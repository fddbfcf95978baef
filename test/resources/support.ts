/** What the resource tests share: weekly hours from Monday to Friday. */

/** The same working intervals on every weekday, Monday to Friday (none at the weekend). */
export const weekdays = (hours: [string, string][]) => ({
  monday: hours,
  tuesday: hours,
  wednesday: hours,
  thursday: hours,
  friday: hours,
});
