import type { PendingIssue } from '../errors.js';

let zone = 'Asia/Shanghai';
let format = formatter(zone);

function formatter(timeZone: string) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** Sets the time zone whose calendar day is "today" (DEMOPLOT_TIMEZONE; createApp sets it). */
export function setTimeZone(timeZone: string): void {
  zone = timeZone;
  format = formatter(timeZone);
}

export function timeZone(): string {
  return zone;
}

/** Today's calendar day in the configured time zone, as YYYY-MM-DD. */
export function todayInZone(now = new Date()): string {
  return format.format(now);
}

type Issue = Omit<PendingIssue, 'row'>;

/**
 * What cannot be true of an observation, whatever its variable's range: an observed-on day
 * after today, a date value after today, or a date value before the plot was planted. Each
 * problem names both facts.
 * @example implausible({ observedOn: '2099-01-01' }, { label: 'A1', plantedOn: null }, '2026-12-01')
 *   // => [{ path: 'observedOn', key: 'v.futureDate', … }]
 */
export function implausible(
  o: { observedOn?: string | null; valueDate?: string | null },
  plot: { label: string; plantedOn: string | null },
  today = todayInZone(),
): Issue[] {
  const issues: Issue[] = [];
  if (o.observedOn && o.observedOn > today) issues.push({ path: 'observedOn', key: 'v.futureDate', params: { value: o.observedOn, today, timezone: zone } });
  if (o.valueDate) {
    if (o.valueDate > today) issues.push({ path: 'value', key: 'v.futureValueDate', params: { value: o.valueDate, today, timezone: zone } });
    else if (plot.plantedOn && o.valueDate < plot.plantedOn) issues.push({ path: 'value', key: 'v.beforePlanting', params: { value: o.valueDate, plot: plot.label, plantedOn: plot.plantedOn } });
  }
  return issues;
}
