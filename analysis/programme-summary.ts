/**
 * The annual summary of a programme written as sentences from its counts, in the style of
 * the programme report ("2017年度共安排项目219项，新上项目97项，其中面向地州市类的援疆项目11个…";
 * "项目实施过程中获得2项实用新型专利"). Only what is counted is said: a kind of output with no
 * record is left out, a zero among the categories of new projects is said as zero, and
 * figures that cannot be known (farmers of sessions without a roster) are said to be partial.
 * @example programmeSentences({ year: 2017, projects: 3, newProjects: 2, ... }).zh
 *   // => '2017年度共安排项目3项，新上项目2项，其中面向地州市类的援疆项目1个，…'
 */

export const CATEGORIES = ['prefecture', 'poor_county', 'industrialisation', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const OUTPUT_KINDS = ['patent_utility', 'patent_invention', 'centre', 'postdoc_station', 'standard', 'publication', 'extension_material', 'other'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface ProgrammeCounts {
  year: number;
  projects: number;
  newProjects: number;
  /** New projects by category; those without a category are `newUncategorised`. */
  newByCategory: Record<Category, number>;
  newUncategorised: number;
  outputs: Record<OutputKind, number>;
  /** Titles of centres and postdoctoral stations, named in the sentence when few. */
  centreTitles: string[];
  postdocTitles: string[];
  /** Copies of extension material handed out, over the materials that give a number. */
  extensionDistributed: number;
  extensionWithCount: number;
  training: { sessions: number; personTimes: number; uniqueFarmers: number; sessionsWithoutRoster: number; demoHouseholds: number };
  inspections: { inspections: number; projectsInspected: number; rectifications: number; closed: number; open: number; overdue: number };
}

export interface Sentences {
  zh: string;
  en: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function englishList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Titles named in a sentence: up to three, else none (the count alone). */
function named(titles: string[], zh: boolean): string {
  if (titles.length === 0 || titles.length > 3) return '';
  return zh ? `（${titles.join('、')}）` : ` (${titles.join('; ')})`;
}

function projectsSentence(c: ProgrammeCounts): Sentences {
  let zh = `${c.year}年度共安排项目${c.projects}项`;
  let en = `In ${c.year} the programme had ${plural(c.projects, 'project')}`;
  if (c.newProjects > 0) {
    const k = c.newByCategory;
    const zhParts = [`面向地州市类的援疆项目${k.prefecture}个`, `面向贫困县项目${k.poor_county}个`, `面向产业化发展类项目${k.industrialisation}个`];
    const enParts = [`${k.prefecture} for prefectures and cities`, `${k.poor_county} for poverty counties`, `${k.industrialisation} for industrialisation`];
    if (k.other > 0) {
      zhParts.push(`其他项目${k.other}个`);
      enParts.push(`${k.other} other`);
    }
    if (c.newUncategorised > 0) {
      zhParts.push(`未填写类别的${c.newUncategorised}个`);
      enParts.push(`${c.newUncategorised} without a category`);
    }
    zh += `，新上项目${c.newProjects}项，其中${zhParts.join('，')}`;
    en += `, ${c.newProjects} of them new: ${englishList(enParts)}`;
  } else {
    zh += '，无新上项目';
    en += ', none of them new';
  }
  return { zh: `${zh}。`, en: `${en}.` };
}

function outputsSentence(c: ProgrammeCounts): Sentences | null {
  const o = c.outputs;
  const zh: string[] = [];
  const en: string[] = [];
  const patents: string[] = [];
  const patentsEn: string[] = [];
  if (o.patent_utility) {
    patents.push(`${o.patent_utility}项实用新型专利`);
    patentsEn.push(plural(o.patent_utility, 'utility-model patent'));
  }
  if (o.patent_invention) {
    patents.push(`${o.patent_invention}项发明专利`);
    patentsEn.push(plural(o.patent_invention, 'invention patent'));
  }
  if (patents.length) {
    zh.push(`获得${patents.join('、')}`);
    en.push(`obtained ${englishList(patentsEn)}`);
  }
  if (o.centre) {
    zh.push(`建成研究中心（工程技术中心）${o.centre}个${named(c.centreTitles, true)}`);
    en.push(`set up ${plural(o.centre, 'research or engineering centre')}${named(c.centreTitles, false)}`);
  }
  if (o.postdoc_station) {
    zh.push(`成立博士后工作站（分站）${o.postdoc_station}个${named(c.postdocTitles, true)}`);
    en.push(`established ${plural(o.postdoc_station, 'postdoctoral workstation')}${named(c.postdocTitles, false)}`);
  }
  if (o.standard) {
    zh.push(`制定标准、操作规程${o.standard}项`);
    en.push(`wrote ${plural(o.standard, 'standard or operating procedure', 'standards or operating procedures')}`);
  }
  if (o.publication) {
    zh.push(`发表论文和出版物${o.publication}篇（部）`);
    en.push(`published ${plural(o.publication, 'paper or book', 'papers or books')}`);
  }
  if (o.extension_material) {
    let z = `编印技术宣传资料${o.extension_material}种`;
    let e = `produced ${plural(o.extension_material, 'kind of extension material', 'kinds of extension material')}`;
    if (c.extensionWithCount === o.extension_material) {
      z += `，发放${c.extensionDistributed}份`;
      e += `, ${c.extensionDistributed} copies handed out`;
    } else if (c.extensionWithCount > 0) {
      z += `，其中${c.extensionWithCount}种登记发放${c.extensionDistributed}份`;
      e += `; ${c.extensionWithCount} of them record ${c.extensionDistributed} copies handed out`;
    }
    zh.push(z);
    en.push(e);
  }
  if (o.other) {
    zh.push(`取得其他成果${o.other}项`);
    en.push(plural(o.other, 'other output'));
  }
  if (!zh.length) return null;
  return { zh: `项目实施过程中${zh.join('，')}。`, en: `The projects ${englishList(en)}.` };
}

function trainingSentence(c: ProgrammeCounts): Sentences | null {
  const t = c.training;
  if (t.sessions === 0) return null;
  let zh = `开展培训和现场观摩${t.sessions}期，培训农民${t.personTimes}人次`;
  let en = `${plural(t.sessions, 'training session or field day', 'training sessions and field days')} reached ${t.personTimes} person-times`;
  if (t.sessionsWithoutRoster < t.sessions) {
    zh += `，签到名单中登记农民${t.uniqueFarmers}人`;
    en += `; the rosters name ${plural(t.uniqueFarmers, 'registered farmer')}`;
    if (t.demoHouseholds > 0) {
      zh += `（示范户${t.demoHouseholds}户）`;
      en += ` (${plural(t.demoHouseholds, 'demonstration household')})`;
    }
    if (t.sessionsWithoutRoster > 0) {
      zh += `，另有${t.sessionsWithoutRoster}期只记录了人数`;
      en += `, and ${plural(t.sessionsWithoutRoster, 'session')} recorded a head count only`;
    }
  } else {
    zh += '（均只记录了人数，无签到名单）';
    en += ' (head counts only, no rosters)';
  }
  return { zh: `${zh}。`, en: `${en}.` };
}

function inspectionSentence(c: ProgrammeCounts): Sentences | null {
  const i = c.inspections;
  if (i.inspections === 0) return null;
  let zh = `组织专家对${i.projectsInspected}个拟验收项目实地查验${i.inspections}次`;
  let en = `Experts inspected ${plural(i.projectsInspected, 'project')} on site before acceptance (${plural(i.inspections, 'inspection')})`;
  if (i.rectifications > 0) {
    zh += `，提出整改建议${i.rectifications}条，已整改${i.closed}条`;
    en += ` and asked for ${plural(i.rectifications, 'rectification')}, ${i.closed} done`;
    if (i.open > 0) {
      zh += `，尚未整改${i.open}条`;
      en += `, ${i.open} open`;
      if (i.overdue > 0) {
        zh += `（其中${i.overdue}条已逾期）`;
        en += ` (${i.overdue} overdue)`;
      }
    }
  }
  return { zh: `${zh}。`, en: `${en}.` };
}

/** The summary's sentences, each language one paragraph. */
export function programmeSentences(c: ProgrammeCounts): Sentences {
  const parts = [projectsSentence(c), outputsSentence(c), trainingSentence(c), inspectionSentence(c)].filter((s): s is Sentences => s !== null);
  return { zh: parts.map((p) => p.zh).join(''), en: parts.map((p) => p.en).join(' ') };
}
