import { describe, expect, it } from 'vitest';
import { writeHeadline, type Headline, type HeadlineInput } from '../../analysis/headline.js';
import { buildComparisons as build, type ReportInput, type ReportPlotValue } from '../../analysis/report.js';
import { headlineDto, quotedHeadline, type NamedVariable } from '../../server/reports/report-text.js';

const flowering = { name: '开花期', nameEn: 'flowering', kind: 'date', unit: null } as const;
const yieldVar = { name: '产量', nameEn: 'yield', kind: 'number', unit: 'kg/mu' } as const;

type Named = NamedVariable & { kind: 'date' | 'number' | 'count' };

/** analysis/ writes the statement; the server words it (the sentences are the same as ever). */
function headline(partial: Partial<Omit<HeadlineInput, 'variable'>> & { variable: Named }) {
  const { variable, ...rest } = partial;
  return headlineDto(variable, writeHeadline({ siteDeltas: [1], delta: 1, deltaCi: null, percent: null, percentCi: null, pValue: null, ...rest, variable }));
}

/** The comparisons with their headlines worded, as the report API gives them. */
function buildComparisons(input: ReportInput) {
  return build(input).map((c) => ({ ...c, headline: headlineDto(c.variable, c.headline) }));
}

/** Two or three greenhouses like Tacheng's: 3 plots per arm, values chosen per site. */
function tachengLike(sites: { flowering: [number[], number[]]; yield: [number[], number[]] }[]): ReportInput {
  const plotValues: ReportPlotValue[] = [];
  let plotId = 0;
  sites.forEach((site, s) => {
    for (const [code, arms] of [
      ['flowering', site.flowering],
      ['yield', site.yield],
    ] as const) {
      arms.forEach((values, a) =>
        values.forEach((value, i) =>
          plotValues.push({ plotId: ++plotId, siteId: s + 1, arm: a === 0 ? 'new' : 'old', block: `${i}`, variable: code, value }),
        ),
      );
    }
  });
  return {
    design: 'crd',
    arms: [
      { name: 'new', role: 'treatment' },
      { name: 'old', role: 'control' },
    ],
    sites: sites.map((_, s) => ({ id: s + 1, name: `site ${s + 1}` })),
    variables: [
      { code: 'flowering', ...flowering },
      { code: 'yield', ...yieldVar },
    ],
    plotValues,
  };
}

describe('headlines', () => {
  it('says flowering came 3–4 days earlier and yield rose 10% for Tacheng-like trials', () => {
    const [f, y] = buildComparisons(
      tachengLike([
        { flowering: [[31, 32, 34], [34, 35, 37]], yield: [[1090, 1200, 980], [1000, 1100, 900]] },
        { flowering: [[30, 31, 32], [34, 35, 36]], yield: [[1100, 1210, 990], [1000, 1100, 900]] },
        { flowering: [[30, 32, 33], [34, 35, 38]], yield: [[1110, 1220, 1000], [1000, 1100, 900]] },
      ]),
    );
    expect(f.headline).toMatchObject({ zh: '开花期提前3–4天', en: 'flowering 3–4 days earlier', significant: true, qualifier: null });
    expect(y.headline).toMatchObject({ zh: '产量增加10%', en: 'yield +10%', significant: true, qualifier: null });
  });

  it('marks the headline as not significant when the pooled interval crosses zero', () => {
    const [f, y] = buildComparisons(
      tachengLike([
        { flowering: [[31, 32, 34], [34, 35, 37]], yield: [[1090, 1200, 980], [1000, 1100, 900]] },
        { flowering: [[30, 31, 32], [34, 35, 36]], yield: [[1110, 1220, 1000], [1000, 1100, 900]] },
      ]),
    );
    expect(f.overall!.deltaCi![1]).toBeGreaterThan(0);
    expect(f.headline).toMatchObject({ zh: '开花期提前3–4天', significant: false });
    expect(y.headline.zh).toBe('产量增加10%');
    expect(y.overall!.percentCi![0]).toBeLessThan(0);
    expect(y.headline.significant).toBe(false);
    // Every interface language words it (Uyghur joined Chinese and English).
    expect(y.headline.qualifier).toEqual({ zh: '差异不显著（95%置信区间包含0）', en: 'not significant (95% CI includes 0)', ug: 'پەرق روشەن ئەمەس (95% ئىشەنچ ئارىلىقى 0 نى ئۆز ئىچىگە ئالىدۇ)' });
  });

  it('uses the only site’s own figures and interval', () => {
    const [f, y] = buildComparisons(tachengLike([{ flowering: [[30, 31, 32], [34, 35, 36]], yield: [[1100, 1210, 990], [1000, 1100, 900]] }]));
    expect(f.overall).toMatchObject({ nSites: 1, deltaCi: null });
    expect(f.headline).toMatchObject({ en: 'flowering 4 days earlier', zh: '开花期提前4天', significant: true });
    expect(y.headline).toMatchObject({ en: 'yield +10%', significant: false });
  });

  it('gives one number when every site rounds to the same day, and says day for one', () => {
    expect(headline({ variable: flowering, siteDeltas: [-3.6, -4.4], deltaCi: [-5, -3] })).toMatchObject({ zh: '开花期提前4天', en: 'flowering 4 days earlier' });
    expect(headline({ variable: flowering, siteDeltas: [-1.2] })).toMatchObject({ zh: '开花期提前1天', en: 'flowering 1 day earlier' });
  });

  it('says later when every site is later', () => {
    expect(headline({ variable: flowering, siteDeltas: [2, 1, 2.5] })).toMatchObject({ zh: '开花期推迟1–3天', en: 'flowering 1–3 days later' });
  });

  it('gives a signed range when sites disagree', () => {
    const h = headline({ variable: flowering, siteDeltas: [-1, 2], deltaCi: [-10, 11], pValue: 0.8 });
    expect(h).toMatchObject({ zh: '开花期变化−1至+2天', en: 'flowering −1 to +2 days', significant: false });
  });

  it('does not invent a direction when every site rounds to zero days', () => {
    expect(headline({ variable: flowering, siteDeltas: [0.4, -0.2] })).toMatchObject({ zh: '开花期无变化（0天）', en: 'flowering: no change (0 days)' });
  });

  it('says decrease for a negative percent', () => {
    const h = headline({ variable: yieldVar, delta: -30, percent: -3.4, percentCi: [-5, -1], pValue: 0.01 });
    expect(h).toMatchObject({ zh: '产量减少3%', en: 'yield −3%', significant: true });
  });

  it('says no change when the percent rounds to zero', () => {
    expect(headline({ variable: yieldVar, percent: 0.4, percentCi: [-1, 2] })).toMatchObject({ zh: '产量无变化（0%）', en: 'yield: no change (0%)', significant: false });
  });

  it('falls back to the delta in its unit when no percent exists', () => {
    const h = headline({ variable: yieldVar, delta: 583.34, deltaCi: [325, 841], percent: null, pValue: 0.002 });
    expect(h).toMatchObject({ zh: '产量增加583 kg/mu', en: 'yield +583 kg/mu', significant: true });
  });

  it('never claims significance without an interval', () => {
    const h = headline({ variable: yieldVar, percent: 25, percentCi: null, pValue: null });
    expect(h.significant).toBe(false);
    expect(h.qualifier).not.toBeNull();
  });

  it('treats p = 0.05 (an interval ending exactly at zero) as not significant', () => {
    expect(headline({ variable: flowering, siteDeltas: [-3], deltaCi: [-6, 0], pValue: 0.05 }).significant).toBe(false);
    expect(headline({ variable: flowering, siteDeltas: [-3], deltaCi: [-6, -0.01], pValue: 0.0499 }).significant).toBe(true);
  });

  it('follows the comparison\'s own p, not the percent interval (one verdict, spec §8)', () => {
    // PlantGrowth-like: Welch p = 0.048 while the log-ratio interval crosses zero.
    const h = headline({ variable: yieldVar, delta: 0.49, deltaCi: [0.005, 0.98], percent: 9.8, percentCi: [-0.2, 20], pValue: 0.048 });
    expect(h).toMatchObject({ en: 'yield +10%', significant: true, qualifier: null });
    const n = headline({ variable: yieldVar, delta: 50, deltaCi: [-3, 103], percent: 37, percentCi: [2, 80], pValue: 0.063 });
    expect(n).toMatchObject({ zh: '产量增加37%', significant: false });
    expect(n.qualifier!.zh).toContain('差异不显著');
  });

  it('quotes a result that is not significant with its qualifier, and a significant one alone', () => {
    const h: Headline = { statement: { code: 'percent', percent: 18 }, significant: false, qualifier: 'notSignificant' };
    expect(quotedHeadline('zh', yieldVar, h)).toBe('产量增加18%（差异不显著（95%置信区间包含0））');
    expect(quotedHeadline('en', yieldVar, h)).toBe('yield +18% (not significant (95% CI includes 0))');
    expect(quotedHeadline('en', yieldVar, { ...h, significant: true, qualifier: null })).toBe('yield +18%');
  });

  it('uses the Chinese name in English when there is no English name', () => {
    expect(headline({ variable: { ...yieldVar, nameEn: null }, percent: 12, percentCi: [2, 20], pValue: 0.01 }).en).toBe('产量 +12%');
  });

  it('names the variable on Uyghur pages as their headings do (the Chinese name), not in English', () => {
    const up = quotedHeadline('ug', yieldVar, { statement: { code: 'percent', percent: 10 }, significant: true, qualifier: null });
    expect(up).toContain('产量');
    expect(up).not.toContain('yield');
    const q: Headline = { statement: { code: 'noData' }, significant: false, qualifier: null };
    const text = quotedHeadline('ug', { name: '长势', nameEn: 'vigour', unit: null }, q);
    expect(text).toContain('长势');
    expect(text).not.toContain('vigour');
  });

  it('says there is nothing to compare when no site has both arms', () => {
    const h = headline({ variable: yieldVar, siteDeltas: [], delta: null });
    expect(h).toMatchObject({ zh: '产量：没有可比较的数据', en: 'yield: no data to compare', significant: false });
  });
});

describe('main results on the home and project pages', () => {
  it('lists significant effects first and marks every other one as not significant', async () => {
    const { headlinesOf } = await import('../../server/web/summaries.js');
    const input = tachengLike([
      { flowering: [[31, 32, 34], [34, 35, 37]], yield: [[1090, 1200, 980], [1000, 1100, 900]] },
      { flowering: [[30, 31, 32], [34, 35, 36]], yield: [[1110, 1220, 1000], [1000, 1100, 900]] },
    ]);
    const comparisons = buildComparisons(input);
    // flowering first in report order, but not significant; make yield significant by its own p.
    const report = { comparisons: [{ ...comparisons[0] }, { ...comparisons[1], headline: { ...comparisons[1].headline, significant: true, qualifier: null, qualifierCode: null } }] };
    expect(comparisons[0].headline.significant).toBe(false);
    const zh = headlinesOf(report as never, 'zh');
    expect(zh.map((h) => [h.text, h.significant])).toEqual([
      ['产量增加10%', true],
      ['开花期提前3–4天', false],
    ]);
    expect(zh[1].qualifier).toContain('差异不显著');
    expect(headlinesOf(report as never, 'en')[1].qualifier).toContain('not significant');
  });
});

describe('flag words', () => {
  it('explain every flag code of analysis/ in both languages', async () => {
    const { FLAGS } = await import('../../analysis/flags.js');
    const { flagText } = await import('../../server/reports/report-text.js');
    for (const code of FLAGS) {
      for (const lang of ['zh', 'en'] as const) {
        const text = flagText(lang, code);
        expect(text, `${lang} ${code}`).not.toBe(code);
        expect(text.length, `${lang} ${code}`).toBeGreaterThan(3);
      }
    }
    expect(flagText('en', 'nonPositiveValue')).toContain('mean');
  });
});
