import { describe, expect, it } from 'vitest';
import { aggregatePlotValues, type ObservationRow } from '../../analysis/plot-values.js';

const number = { kind: 'number', aggregation: null } as const;
const date = { kind: 'date', aggregation: null } as const;
const plots = [
  { plotId: 1, plantedOn: '2017-03-02' },
  { plotId: 2, plantedOn: '2017-03-06' },
  { plotId: 3, plantedOn: null },
];

let seq = 0;
const obs = (plotId: number, value: string, observedOn: string | null = null): ObservationRow => ({ plotId, value, observedOn, seq: ++seq });

describe('aggregatePlotValues', () => {
  it('reports flowering as days after planting, not calendar days', () => {
    const values = aggregatePlotValues(date, plots, [obs(1, '2017-04-04', '2017-04-04'), obs(2, '2017-04-04', '2017-04-04')]);
    expect(values).toEqual([
      { plotId: 1, value: 33, n: 1 },
      { plotId: 2, value: 29, n: 1 },
    ]);
  });

  it('averages repeated numeric observations by default', () => {
    expect(aggregatePlotValues(number, plots, [obs(1, '10'), obs(1, '12.5'), obs(1, '6')])).toEqual([{ plotId: 1, value: 9.5, n: 3 }]);
  });

  it('sums harvests when the variable says sum', () => {
    const values = aggregatePlotValues({ kind: 'number', aggregation: 'sum' }, plots, [obs(1, '1200.5'), obs(1, '800'), obs(2, '-3')]);
    expect(values).toEqual([
      { plotId: 1, value: 2000.5, n: 2 },
      { plotId: 2, value: -3, n: 1 },
    ]);
  });

  it('takes first and last by observation date, undated ones last, ties by entry order', () => {
    const rows = [obs(1, '3', '2017-05-02'), obs(1, '1', '2017-05-01'), obs(1, '2', '2017-05-01'), obs(1, '9', null)];
    expect(aggregatePlotValues({ kind: 'number', aggregation: 'first' }, plots, rows)[0].value).toBe(1);
    expect(aggregatePlotValues({ kind: 'number', aggregation: 'last' }, plots, rows)[0].value).toBe(9);
    const dated = rows.slice(0, 3);
    expect(aggregatePlotValues({ kind: 'number', aggregation: 'last' }, plots, dated)[0].value).toBe(3);
    const sameDay = [obs(1, '7', '2017-05-01'), obs(1, '8', '2017-05-01')];
    expect(aggregatePlotValues({ kind: 'number', aggregation: 'first' }, plots, [...sameDay].reverse())[0].value).toBe(7);
  });

  it('takes the first date observation by default for dates', () => {
    const values = aggregatePlotValues(date, plots, [obs(1, '2017-04-10', '2017-04-10'), obs(1, '2017-04-04', '2017-04-04')]);
    expect(values).toEqual([{ plotId: 1, value: 33, n: 2 }]);
  });

  it('flags a date observation on a plot without planting date instead of inventing a value', () => {
    expect(aggregatePlotValues(date, plots, [obs(3, '2017-04-04')])).toEqual([{ plotId: 3, value: null, n: 0, flag: 'missingPlantingDate' }]);
  });

  it('does not need a planting date for numbers', () => {
    expect(aggregatePlotValues(number, plots, [obs(3, '4')])).toEqual([{ plotId: 3, value: 4, n: 1 }]);
  });

  it('leaves out plots without observations and blank values', () => {
    expect(aggregatePlotValues(number, plots, [obs(2, ''), obs(2, '  '), obs(1, '5'), obs(1, '')])).toEqual([{ plotId: 1, value: 5, n: 1 }]);
  });

  it('flags a plot with an unreadable value rather than summing what is left', () => {
    const values = aggregatePlotValues({ kind: 'number', aggregation: 'sum' }, plots, [obs(1, '5'), obs(1, '5 kg'), obs(2, '0x10')]);
    expect(values).toEqual([
      { plotId: 1, value: null, n: 0, flag: 'invalidValue' },
      { plotId: 2, value: null, n: 0, flag: 'invalidValue' },
    ]);
  });

  it('rejects an impossible date observation', () => {
    expect(aggregatePlotValues(date, plots, [obs(1, '2017-02-30')])).toEqual([{ plotId: 1, value: null, n: 0, flag: 'invalidValue' }]);
  });

  it('keeps the last category or text of a plot', () => {
    const rows = [obs(1, 'yellow', '2017-05-01'), obs(1, ' red ', '2017-05-03'), obs(2, 'green')];
    expect(aggregatePlotValues({ kind: 'category', aggregation: null }, plots, rows)).toEqual([
      { plotId: 1, value: null, text: 'red', n: 2 },
      { plotId: 2, value: null, text: 'green', n: 1 },
    ]);
    expect(aggregatePlotValues({ kind: 'text', aggregation: 'first' }, plots, rows)[0].text).toBe('yellow');
  });

  it('ignores observations of plots it was not given, and follows the plots order', () => {
    const values = aggregatePlotValues(number, [plots[1], plots[0]], [obs(1, '1'), obs(99, '5'), obs(2, '2')]);
    expect(values.map((v) => v.plotId)).toEqual([2, 1]);
  });

  it('falls back to the default for a rule that makes no sense for the kind', () => {
    const values = aggregatePlotValues({ kind: 'date', aggregation: 'sum' }, plots, [obs(1, '2017-04-04', '2017-04-04'), obs(1, '2017-04-06', '2017-04-06')]);
    expect(values[0].value).toBe(33);
  });
});
