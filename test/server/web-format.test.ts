import { describe, expect, it } from 'vitest';
import { cellRename, collectEntries, dedupe } from '../../server/observations/entry-grid.js';
import { daysWords, figure, interval, num, pValue, share, signed, today, withUnit } from '../../server/web/format.js';
import { localPath, read } from '../../server/web/forms.js';
import { excludesZero } from '../../server/reports/reports.pages.js';
import { switchLangHref } from '../../server/web/render.js';

describe('figures for people', () => {
  it('isolates a figure left to right in Uyghur text only, so its sign stays before its digits', () => {
    const LRI = '\u2066';
    const PDI = '\u2069';
    expect(figure('ug', '−3.57')).toBe(`${LRI}−3.57${PDI}`);
    expect(figure('zh', '−3.57')).toBe('−3.57');
    expect(figure('en', '[−5.93, −1.21]')).toBe('[−5.93, −1.21]');
    expect(withUnit('ug', '−3.57', 'پىرسەنت پۇنكىت')).toBe(`${LRI}−3.57${PDI} پىرسەنت پۇنكىت`);
    expect(withUnit('en', '+5.5', 'g/袋')).toBe('+5.5 g/袋');
    expect(withUnit('zh', '+5.5', '')).toBe('+5.5');
    // No figure: no unit after the dash.
    expect(withUnit('en', '—', 'kg')).toBe('—');
  });

  it('rounds by size and writes a true minus sign', () => {
    expect(num(5475)).toBe('5475');
    expect(num(488.333)).toBe('488');
    expect(num(33.5)).toBe('33.5');
    expect(num(-3.3333)).toBe('−3.33');
    expect(num(-0.001)).toBe('0');
    expect(num(null)).toBe('—');
    expect(num(Number.NaN)).toBe('—');
    expect(signed(9.94)).toBe('+9.94');
    expect(signed(0)).toBe('0');
  });

  it('writes an interval with signs, and a p-value with two digits', () => {
    expect(interval([-6.0424, 0.0424])).toBe('[−6.04, +0.04]');
    expect(interval(null)).toBe('—');
    expect(pValue(0.0513)).toBe('0.051');
    expect(pValue(0.00008)).toBe('<0.001');
    expect(pValue(0.43)).toBe('0.43');
    expect(share(17, 46)).toBe('37%');
    expect(share(3, 0)).toBe('—');
  });

  it('reads a difference in days as earlier or later', () => {
    expect(daysWords(-3.333, 'zh')).toBe('提前 3.33 天');
    expect(daysWords(2, 'zh')).toBe('推迟 2 天');
    expect(daysWords(-1, 'en')).toBe('1 day earlier');
    expect(daysWords(4.5, 'en')).toBe('4.5 days later');
    expect(daysWords(0, 'en')).toBe('no difference');
  });

  it('calls an effect significant only when its whole interval lies on one side of zero', () => {
    expect(excludesZero([-4.77, -1.9])).toBe(true);
    expect(excludesZero([350, 639])).toBe(true);
    expect(excludesZero([-6.04, 0.04])).toBe(false);
    expect(excludesZero([0, 3])).toBe(false);
    expect(excludesZero(null)).toBe(false);
  });

  it('takes today in China Standard Time', () => {
    expect(today(new Date('2017-05-25T17:00:00Z'))).toBe('2017-05-26');
    expect(today(new Date('2017-05-25T15:59:00Z'))).toBe('2017-05-25');
  });
});

describe('form input', () => {
  it('keeps what is not a number as typed, so the schema names the problem', () => {
    expect(read.integer(' 12 ')).toBe(12);
    expect(read.integer('')).toBeNull();
    expect(read.integer('12.5')).toBe('12.5');
    expect(read.number('-0.5')).toBe(-0.5);
    expect(read.number('1e3')).toBe('1e3');
    expect(read.lines('a\r\n\n b \n')).toEqual(['a', 'b']);
    expect(read.optional('  ')).toBeNull();
  });

  it('sends back only to a path on this site', () => {
    expect(localPath('/trials/1/edit', '/')).toBe('/trials/1/edit');
    expect(localPath('//evil.example/x', '/')).toBe('/');
    expect(localPath('https://evil.example/', '/')).toBe('/');
    expect(localPath('/\\evil', '/')).toBe('/');
  });

  it('switches the language of the same address, keeping its other parameters', () => {
    expect(switchLangHref('/trials/1?site=2&lang=zh', 'en')).toBe('/trials/1?site=2&lang=en');
    expect(switchLangHref('/', 'zh')).toBe('/?lang=zh');
  });
});

describe('the entry grid', () => {
  const plots = [
    { id: 7, label: 'B-1', siteId: 1, arm: 't', armRole: 'treatment' as const, block: null, plantedOn: null },
    { id: 3, label: 'A-1', siteId: 1, arm: 'c', armRole: 'control' as const, block: null, plantedOn: null },
  ];
  const variables = [
    { id: 20, code: 'yield', name: '产量', nameEn: null, kind: 'number' as const, unit: null, minimum: null, maximum: null, categories: null },
    { id: 10, code: 'flower', name: '开花期', nameEn: null, kind: 'date' as const, unit: null, minimum: null, maximum: null, categories: null },
  ];

  it('turns the filled cells into a batch in grid order and remembers each row’s cell', () => {
    const { inputs, cells } = collectEntries(
      { 'v.3.10': '2017-04-22', 'v.7.10': '', 'v.3.20': '610', 'v.7.20': ' 700 ', observedOn: '2017-07-01', recordedBy: ' 李 ', junk: 'x' },
      plots,
      variables,
    );
    expect(cells).toEqual(['v.7.20', 'v.3.20', 'v.3.10']);
    expect(inputs).toEqual([
      { plot: 'B-1', variable: 'yield', value: ' 700 ', observedOn: '2017-07-01', recordedBy: '李', notes: null },
      { plot: 'A-1', variable: 'yield', value: '610', observedOn: '2017-07-01', recordedBy: '李', notes: null },
      { plot: 'A-1', variable: 'flower', value: '2017-04-22', observedOn: '2017-07-01', recordedBy: '李', notes: null },
    ]);
  });

  it('leads a batch row back to its cell and a shared field to itself', () => {
    const rename = cellRename(['v.7.20', 'v.3.20']);
    expect(rename('value', 2)).toBe('v.3.20');
    expect(rename('plot', 1)).toBe('v.7.20');
    expect(rename('observedOn', 2)).toBe('observedOn');
    expect(rename('', undefined)).toBeUndefined();
    expect(dedupe({ fields: { observedOn: 'bad; bad' }, form: ['x', 'x'] })).toEqual({ fields: { observedOn: 'bad' }, form: ['x'] });
  });
});
