import { ImportError } from "./import-error.js";

/**
 * Accepts a time zone name if the tz database knows it (Region/City names such as America/New_York, and
 * links such as UTC or EST), which is what Joda-Time accepts too. Returns it unchanged.
 */
export function checkTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new ImportError("BAD_OPTION", `TimeZone "${timeZone}" is not a known time zone name`);
  }
  return timeZone;
}
