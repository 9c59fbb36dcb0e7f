import { describe, expect, it } from 'vitest';
import { programmeSentences, type ProgrammeCounts } from '../../analysis/programme-summary.js';

const base: ProgrammeCounts = {
  year: 2017,
  projects: 219,
  newProjects: 97,
  newByCategory: { prefecture: 11, poor_county: 19, industrialisation: 67, other: 0 },
  newUncategorised: 0,
  outputs: { patent_utility: 2, patent_invention: 0, centre: 0, postdoc_station: 0, standard: 0, publication: 0, extension_material: 0, other: 0 },
  centreTitles: [],
  postdocTitles: [],
  extensionDistributed: 0,
  extensionWithCount: 0,
  training: { sessions: 0, personTimes: 0, uniqueFarmers: 0, sessionsWithoutRoster: 0, demoHouseholds: 0 },
  inspections: { inspections: 0, projectsInspected: 0, rectifications: 0, closed: 0, open: 0, overdue: 0 },
};

describe('programmeSentences', () => {
  it('writes the report’s own sentences from the report’s own counts', () => {
    expect(programmeSentences(base).zh).toBe(
      '2017年度共安排项目219项，新上项目97项，其中面向地州市类的援疆项目11个，面向贫困县项目19个，面向产业化发展类项目67个。项目实施过程中获得2项实用新型专利。',
    );
    expect(programmeSentences(base).en).toBe(
      'In 2017 the programme had 219 projects, 97 of them new: 11 for prefectures and cities, 19 for poverty counties and 67 for industrialisation. The projects obtained 2 utility-model patents.',
    );
  });

  it('says there is no new project instead of listing zero categories, and leaves out outputs that were not recorded', () => {
    const s = programmeSentences({ ...base, projects: 1, newProjects: 0, newByCategory: { prefecture: 0, poor_county: 0, industrialisation: 0, other: 0 }, outputs: { ...base.outputs, patent_utility: 0 } });
    expect(s.zh).toBe('2017年度共安排项目1项，无新上项目。');
    expect(s.en).toBe('In 2017 the programme had 1 project, none of them new.');
  });

  it('gives the copies handed out only for the materials that record them', () => {
    const all = programmeSentences({ ...base, outputs: { ...base.outputs, patent_utility: 0, extension_material: 2 }, extensionDistributed: 620, extensionWithCount: 2 });
    expect(all.zh).toContain('编印技术宣传资料2种，发放620份。');
    const some = programmeSentences({ ...base, outputs: { ...base.outputs, patent_utility: 0, extension_material: 3 }, extensionDistributed: 500, extensionWithCount: 1 });
    expect(some.zh).toContain('编印技术宣传资料3种，其中1种登记发放500份。');
    const none = programmeSentences({ ...base, outputs: { ...base.outputs, patent_utility: 0, extension_material: 3 } });
    expect(none.zh).toContain('编印技术宣传资料3种。');
    expect(none.zh).not.toContain('发放');
  });

  it('does not claim unique farmers when every session was a head count', () => {
    const s = programmeSentences({ ...base, training: { sessions: 2, personTimes: 80, uniqueFarmers: 0, sessionsWithoutRoster: 2, demoHouseholds: 0 } });
    expect(s.zh).toContain('开展培训和现场观摩2期，培训农民80人次（均只记录了人数，无签到名单）。');
    expect(s.zh).not.toContain('登记农民');
  });

  it('counts open and overdue rectifications, and omits the sentence without inspections', () => {
    expect(programmeSentences(base).zh).not.toContain('查验');
    const s = programmeSentences({ ...base, inspections: { inspections: 3, projectsInspected: 2, rectifications: 5, closed: 3, open: 2, overdue: 1 } });
    expect(s.zh).toContain('组织专家对2个拟验收项目实地查验3次，提出整改建议5条，已整改3条，尚未整改2条（其中1条已逾期）。');
    expect(s.en).toContain('Experts inspected 2 projects on site before acceptance (3 inspections) and asked for 5 rectifications, 3 done, 2 open (1 overdue).');
  });
});
