import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import { barByMonth, fillMonths } from '../../server/charts/bar-by-month.js';
import { forestPlot } from '../../server/charts/forest-plot.js';
import { labelWidth, loadCharts } from '../../server/charts/svg.js';

beforeAll(loadCharts);

function parse(svg: string) {
  const { document } = parseHTML(`<!doctype html><html><body>${svg}</body></html>`);
  return document;
}

/** Paths (lines) or circles / symbols drawn by the mark with this class. */
const marks = (doc: Document, cls: string, el = 'path') => doc.querySelectorAll(`g.${cls} > ${el}`).length;

const TACHENG = {
  sites: [
    { label: '塔城市二工镇', delta: -3, ci: [-6.04, 0.04] as const },
    { label: '和布克赛尔县', delta: -4, ci: null },
    { label: '什托洛盖镇', delta: -3, ci: null },
  ],
  pooled: { label: '合计（3 个点）', delta: -3.33, ci: [-4.77, -1.9] as const, predictionInterval: [-6.2, -0.46] as const },
  axisLabel: '处理 − 对照（天）',
  directions: ['← 提前', '推迟 →'] as const,
};

describe('forestPlot', () => {
  it('draws one CI line per site that has a CI, and a point for every site', () => {
    const doc = parse(forestPlot({ ...TACHENG, sites: TACHENG.sites.map((s, i) => ({ ...s, ci: [s.delta - 1 - i, s.delta + 1] as const })) }));
    expect(marks(doc, 'site-ci')).toBe(3);
    expect(marks(doc, 'site-delta')).toBe(3);
  });

  it('leaves out the CI line of a site without one but still shows its difference', () => {
    const doc = parse(forestPlot(TACHENG));
    expect(marks(doc, 'site-ci')).toBe(1);
    expect(marks(doc, 'site-delta')).toBe(3);
  });

  it('shows the pooled estimate with its CI, the prediction interval and a line at zero', () => {
    const doc = parse(forestPlot(TACHENG));
    expect(marks(doc, 'pooled-delta')).toBe(1);
    expect(marks(doc, 'pooled-ci')).toBe(1);
    expect(marks(doc, 'pooled-pi')).toBe(1);
    expect(doc.querySelectorAll('g.zero line').length).toBe(1);
  });

  it('puts the unit on the axis and the site names on the rows', () => {
    const svg = forestPlot(TACHENG);
    const text = [...parse(svg).querySelectorAll('text')].map((t) => t.textContent);
    expect(text).toContain('处理 − 对照（天）');
    expect(text).toEqual(expect.arrayContaining(['塔城市二工镇', '和布克赛尔县', '什托洛盖镇', '合计（3 个点）', '← 提前', '推迟 →']));
  });

  it('keeps zero inside the axis even when every difference is far from it', () => {
    const svg = forestPlot({ sites: [{ label: 'A', delta: 480, ci: [450, 510] }], pooled: null, axisLabel: 'kg/亩' });
    const ticks = [...parse(svg).querySelectorAll('text')].map((t) => t.textContent);
    expect(ticks).toContain('0');
  });

  it('is an SVG document that needs no script', () => {
    const svg = forestPlot(TACHENG);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(svg).not.toMatch(/<script/i);
  });

  it('draws nothing but the zero line when no site has a difference', () => {
    const doc = parse(forestPlot({ sites: [{ label: 'A', delta: null, ci: null }], pooled: null, axisLabel: 'days' }));
    expect(marks(doc, 'site-delta')).toBe(0);
    expect(doc.querySelectorAll('g.zero line').length).toBe(1);
  });
});

describe('barByMonth', () => {
  const months = [
    { month: '2017-03', personTimes: 114, women: 44 },
    { month: '2017-05', personTimes: 116, women: 43 },
  ];

  it('draws a bar per month, the months without sessions included as empty', () => {
    const doc = parse(barByMonth({ months, yLabel: '人次' }));
    expect(marks(doc, 'bar-person-times', 'rect')).toBe(3);
    expect(marks(doc, 'bar-women', 'rect')).toBe(3);
    const labels = [...doc.querySelectorAll('g.bar-value text')].map((t) => t.textContent);
    expect(labels).toEqual(['114', '116']);
  });

  it('draws the different farmers of each month as a line with a dot per month, when rosters give them', () => {
    const withFarmers = [
      { month: '2017-03', personTimes: 114, women: 44, uniqueFarmers: 80 },
      { month: '2017-05', personTimes: 116, women: 43, uniqueFarmers: null },
      { month: '2017-06', personTimes: 50, women: 20, uniqueFarmers: 41 },
    ];
    const doc = parse(barByMonth({ months: withFarmers, yLabel: '人次' }));
    expect(doc.querySelectorAll('g.line-unique-farmers path').length).toBe(1);
    // March, April (no sessions: none) and June; May counted heads only.
    expect(doc.querySelectorAll('g.line-unique-farmers circle').length).toBe(3);
    expect(marks(doc, 'bar-person-times', 'rect')).toBe(4);
    // Without rosters there is no line.
    expect(parse(barByMonth({ months, yLabel: '人次' })).querySelectorAll('g.line-unique-farmers').length).toBe(0);
  });

  it('labels the months as asked and the axis with its unit', () => {
    const svg = barByMonth({ months, yLabel: '人次', monthLabel: (m) => `${Number(m.slice(5))}月` });
    const text = [...parse(svg).querySelectorAll('text')].map((t) => t.textContent);
    expect(text).toEqual(expect.arrayContaining(['3月', '4月', '5月', '人次']));
  });

  it('fills the months across a new year', () => {
    expect(fillMonths([{ month: '2017-11', personTimes: 1, women: 0 }, { month: '2018-02', personTimes: 2, women: null }]).map((m) => m.month)).toEqual([
      '2017-11',
      '2017-12',
      '2018-01',
      '2018-02',
    ]);
  });

  it('skips months that are not written YYYY-MM and draws an empty chart for none', () => {
    expect(fillMonths([{ month: 'bad', personTimes: 1, women: 0 }])).toEqual([]);
    expect(barByMonth({ months: [], yLabel: 'n' }).startsWith('<svg')).toBe(true);
  });
});

describe('labelWidth', () => {
  it('counts a CJK character as a full em and a Latin letter as about 0.6 em', () => {
    expect(labelWidth('二工镇', 10)).toBe(30);
    expect(labelWidth('Aral', 10)).toBe(24);
  });
});
