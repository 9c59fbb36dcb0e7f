import { chartSize, type ChartSize, plotLibrary, renderPlot } from './svg.js';

export interface MonthFigures {
  /** "2017-05". */
  month: string;
  personTimes: number;
  /** Women among them, when counted. */
  women: number | null;
  /** Different farmers among them (from the sessions' rosters), when known: drawn as a line. */
  uniqueFarmers?: number | null;
}

export interface BarByMonthInput extends ChartSize {
  months: readonly MonthFigures[];
  /** Title of the y axis, e.g. "人次". */
  yLabel: string;
  /** Month tick text, e.g. m => "5月" ; defaults to "2017-05". */
  monthLabel?: (month: string) => string;
}

/**
 * Every month from the first to the last given, the missing ones as zero, so gaps show.
 * @example fillMonths([{ month: '2017-03', personTimes: 5, women: 1 }, { month: '2017-05', personTimes: 2, women: null }]).map((m) => m.month) // => ['2017-03', '2017-04', '2017-05']
 */
export function fillMonths(months: readonly MonthFigures[]): MonthFigures[] {
  const valid = months.filter((m) => /^\d{4}-\d{2}$/.test(m.month)).sort((a, b) => a.month.localeCompare(b.month));
  if (!valid.length) return [];
  const byMonth = new Map(valid.map((m) => [m.month, m]));
  const out: MonthFigures[] = [];
  let [y, mo] = valid[0].month.split('-').map(Number);
  const last = valid.at(-1)!.month;
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${y}-${String(mo).padStart(2, '0')}`;
    out.push(byMonth.get(key) ?? { month: key, personTimes: 0, women: 0, uniqueFarmers: 0 });
    if (key === last) break;
    mo += 1;
    if (mo > 12) {
      mo = 1;
      y += 1;
    }
  }
  return out;
}

/**
 * Person-times per month as bars (SVG string), with the women among them as a darker bar
 * inside each and the figure written above it, and the different farmers of each month (when
 * any month has them) as a line with dots. Classes: `bar-person-times`, `bar-women`,
 * `bar-value`, `line-unique-farmers`.
 * @example barByMonth({ months: [{ month: '2017-05', personTimes: 46, women: 17 }], yLabel: '人次' }).includes('bar-person-times') // => true
 */
export function barByMonth(input: BarByMonthInput): string {
  const Plot = plotLibrary();
  const { width, fontSize } = chartSize(input);
  const data = fillMonths(input.months);
  const label = input.monthLabel ?? ((m: string) => m);
  const farmers = data.filter((d): d is MonthFigures & { uniqueFarmers: number } => typeof d.uniqueFarmers === 'number');
  const showFarmers = input.months.some((m) => typeof m.uniqueFarmers === 'number');
  const max = Math.max(1, ...data.map((d) => d.personTimes), ...farmers.map((d) => d.uniqueFarmers));
  return renderPlot({
    width,
    height: 260,
    marginTop: fontSize * 2,
    marginBottom: fontSize * 2.6,
    marginLeft: fontSize * 3.5,
    style: { fontSize: `${fontSize}px` },
    x: { type: 'band', domain: data.map((d) => d.month), tickFormat: label, label: null, padding: 0.25 },
    y: { domain: [0, max * 1.12], label: input.yLabel, labelArrow: 'none', grid: true, nice: true },
    marks: [
      Plot.barY(data, { className: 'bar-person-times', x: 'month', y: 'personTimes', fill: '#9cc5a1' }),
      Plot.barY(
        data.filter((d) => d.women !== null),
        { className: 'bar-women', x: 'month', y: 'women', fill: '#2f6b3a', inset: 0, insetLeft: 6, insetRight: 6 },
      ),
      Plot.text(
        data.filter((d) => d.personTimes > 0),
        { className: 'bar-value', x: 'month', y: 'personTimes', text: (d: MonthFigures) => String(d.personTimes), dy: -fontSize * 0.7, fill: '#222' },
      ),
      ...(showFarmers
        ? [
            Plot.line(farmers, { className: 'line-unique-farmers', x: 'month', y: 'uniqueFarmers', stroke: '#b35c00', strokeWidth: 2 }),
            Plot.dot(farmers, { className: 'line-unique-farmers', x: 'month', y: 'uniqueFarmers', fill: '#b35c00', r: 3.5 }),
          ]
        : []),
      Plot.ruleY([0], { stroke: '#333' }),
    ],
  });
}
