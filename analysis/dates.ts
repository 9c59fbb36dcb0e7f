const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** Days in 400 Gregorian years; shifting by them keeps Date.UTC away from its 1900+yy rule for years 0–99. */
const DAYS_PER_400_YEARS = 146_097;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Whether `text` is a real calendar date written strictly as `YYYY-MM-DD`
 * (no time, no time zone, no impossible days such as 30 February).
 * @example isIsoDate('2016-02-29') // => true
 * @example isIsoDate('2017-02-30') // => false
 */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The day number of an ISO calendar date, counted in whole UTC days from 1970-01-01.
 * Throws a RangeError for anything `isIsoDate` rejects.
 * @example epochDay('1970-01-02') // => 1
 */
export function epochDay(text: string): number {
  if (!isIsoDate(text)) throw new RangeError(`Not an ISO calendar date (YYYY-MM-DD): ${JSON.stringify(text)}`);
  const [year, month, day] = text.split('-').map(Number);
  return Date.UTC(year + 400, month - 1, day) / MS_PER_DAY - DAYS_PER_400_YEARS;
}

/**
 * Whole days from one ISO date to another (negative when `to` is earlier), computed in
 * UTC so that the local time zone and daylight-saving changes never shift the count.
 * Throws a RangeError when either date is not a real `YYYY-MM-DD` date.
 * @example daysBetween('2017-03-02', '2017-04-04') // => 33
 */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}
