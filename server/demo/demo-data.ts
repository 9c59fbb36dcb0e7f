import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { createProject, hasProjects, listDemoProjectIds } from '../projects/projects.service.js';
import { createSite } from '../sites/sites.service.js';
import { createVariable } from '../variables/variables.service.js';
import { listVariablesByCode } from '../variables/variables.repository.js';
import { createTrial } from '../trials/trials.service.js';
import { createPlots } from '../plots/plots.service.js';
import { createObservations } from '../observations/observations.service.js';
import { createFarmers } from '../farmers/farmers.service.js';
import { createSessions } from '../training/training.service.js';
import { VariableInput } from '../variables/variables.schemas.js';
import { ObservationList } from '../observations/observations.schemas.js';
import { TrainingSessionList } from '../training/training.schemas.js';
import { FarmerList } from '../farmers/farmers.schemas.js';
import { SiteInput } from '../sites/sites.schemas.js';
import { ProjectInput } from '../projects/projects.schemas.js';
import { TrialInput } from '../trials/trials.schemas.js';
import { PlotList } from '../plots/plots.schemas.js';
import type { z } from 'zod';
import { loadDemoAccounts } from '../accounts/bootstrap.js';
import { createProgramme } from '../programmes/programmes.service.js';
import { ProgrammeInput } from '../programmes/programmes.schemas.js';
import { OutputInput } from '../outputs/outputs.schemas.js';
import { createOutput } from '../outputs/outputs.service.js';
import { CloseRectification, InspectionInput } from '../inspections/inspections.schemas.js';
import { closeRectification, createInspection } from '../inspections/inspections.service.js';

type In<S extends z.ZodType> = z.input<S>;

/**
 * Demonstration data modelled on the 2017 programme report: the Aksu "万亩亿元" black-fungus
 * lines and the Tacheng straw-biodegradation greenhouses. Loaded through the same services
 * (and validation) as user input, only into a database that has no project yet. Every
 * project it creates is marked `isDemo`. Deterministic: the same figures every time.
 */
/** `accounts: false` (production without DEMOPLOT_DEMO_ACCOUNTS=1) loads no demonstration accounts. */
export async function loadDemoData(db: Kysely<Database>, opts: { accounts?: boolean } = {}): Promise<boolean> {
  if (await hasProjects(db)) return false;
  await ensureVariables(db, DEMO_VARIABLES);
  const programme = await createProgramme(db, ProgrammeInput.parse(DEMO_PROGRAMME));
  const tacheng = await loadTacheng(db, programme.id);
  const aksu = await loadAksu(db, programme.id);
  await loadProgrammeRecords(db, programme.id, tacheng, aksu);
  if (opts.accounts ?? true) await loadDemoAccounts(db, await listDemoProjectIds(db));
  return true;
}

export const DEMO_VARIABLES: In<typeof VariableInput>[] = [
  { code: 'flowering_date', name: '开花期', nameEn: 'flowering', kind: 'date', aggregation: 'first', description: '第一穗花开放日期 / first truss in flower' },
  { code: 'first_ripening_date', name: '第一穗果成熟期', nameEn: 'first-truss ripening', kind: 'date', aggregation: 'first' },
  { code: 'yield_kg_per_mu', name: '产量', nameEn: 'yield', kind: 'number', unit: 'kg/亩', aggregation: 'sum', minimum: '0', maximum: '30000', description: '每次采收记一条，按小区累计 / one record per harvest, summed per plot' },
  { code: 'vigour', name: '长势', nameEn: 'vigour', kind: 'category', categories: ['旺', '中', '弱'], aggregation: 'last' },
  { code: 'dry_yield_g_per_bag', name: '单袋干耳产量', nameEn: 'dry yield per bag', kind: 'number', unit: 'g/袋', aggregation: 'mean', minimum: '0', maximum: '500' },
  { code: 'contamination_pct', name: '污染率', nameEn: 'contamination', kind: 'number', unit: '%', aggregation: 'mean', minimum: '0', maximum: '100' },
  { code: 'first_harvest_date', name: '首次采耳期', nameEn: 'first harvest', kind: 'date', aggregation: 'first' },
  { code: 'notes_text', name: '田间记录', nameEn: 'field notes', kind: 'text', aggregation: 'last' },
];

/** Creates the variables that are not in the shared catalogue yet. */
async function ensureVariables(db: Kysely<Database>, vars: In<typeof VariableInput>[]) {
  const have = new Set((await listVariablesByCode(db, vars.map((v) => v.code))).map((v) => v.code));
  for (const v of vars) if (!have.has(v.code)) await createVariable(db, VariableInput.parse(v));
}

/** Adds whole days to an ISO date, in UTC. */
function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Splits a total (in tenths) into harvest amounts that add up to it exactly. */
function harvests(totalTenths: number, shares: number[]): string[] {
  const parts = shares.map((s) => Math.floor((totalTenths * s) / 100));
  parts[parts.length - 1] += totalTenths - parts.reduce((a, b) => a + b, 0);
  return parts.map((p) => (p / 10).toFixed(1));
}

async function loadTacheng(db: Kysely<Database>, programmeId: number): Promise<number> {
  const project = await createProject(
    db,
    ProjectInput.parse({
      code: 'TC-STRAW-2017',
      name: '秸秆生物降解技术在塔城地区设施农业中的应用示范与推广',
      nameEn: 'Straw biodegradation in Tacheng greenhouse farming: demonstration and extension',
      programmeId,
      category: 'prefecture',
      newThisYear: true,
      prefecture: '塔城地区',
      county: '塔城市',
      supportingProvince: '辽宁省',
      status: 'awaiting_acceptance',
      leadOrganisation: '塔城地区农业技术推广中心',
      partnerOrganisations: ['辽宁省农业技术推广总站'],
      startsOn: '2017-01-01',
      endsOn: '2017-12-31',
      targets: { personTimes: 100, demoHouseholds: 4 },
      description: '将专用生物菌群接种在秸秆上，降解产生二氧化碳、热量和有机无机养分；在二工镇、和布克赛尔县和什托洛盖镇建立示范棚4座，对照为常规温室。（演示数据）',
    }),
    { isDemo: true },
  );
  const sites = {
    ergong: await createSite(db, project.id, SiteInput.parse({ name: '塔城市二工镇', nameEn: 'Ergong town, Tacheng', county: '塔城市', township: '二工镇', kind: 'greenhouse', latitude: 46.7465, longitude: 82.9869 })),
    hoboksar: await createSite(db, project.id, SiteInput.parse({ name: '和布克赛尔县', nameEn: 'Hoboksar county', county: '和布克赛尔蒙古自治县', township: '和布克赛尔镇', kind: 'greenhouse', latitude: 46.7936, longitude: 85.7283 })),
    shitolgai: await createSite(db, project.id, SiteInput.parse({ name: '什托洛盖镇', nameEn: 'Shitolgai town', county: '和布克赛尔蒙古自治县', township: '什托洛盖镇', kind: 'greenhouse', latitude: 46.2361, longitude: 85.9658 })),
  };
  const trial = await createTrial(db, project.id, TrialInput.parse({
    name: '2017 番茄秸秆生物降解示范棚',
    nameEn: '2017 tomato straw-biodegradation greenhouses',
    crop: '番茄 tomato',
    season: '2017 春茬',
    design: 'crd',
    description: '示范棚（秸秆生物反应堆）对照常规温室；以定植日为参照日期。',
    arms: [
      { name: '秸秆降解', role: 'treatment', description: '秸秆生物降解技术 straw biodegradation' },
      { name: '常规', role: 'control', description: '常规管理 conventional greenhouse' },
    ],
    variables: ['flowering_date', 'first_ripening_date', 'yield_kg_per_mu', 'vigour'],
  }));
  // Per greenhouse: transplanting date, days to flowering, days to first ripe truss, total yield in tenths of kg/mu.
  const greenhouses = [
    { site: sites.ergong, label: '二工-示范1', arm: '秸秆降解', planted: '2017-03-20', flower: 33, ripe: 58, yield: 55000, vigour: '旺' },
    { site: sites.ergong, label: '二工-示范2', arm: '秸秆降解', planted: '2017-03-20', flower: 34, ripe: 59, yield: 54500, vigour: '旺' },
    { site: sites.ergong, label: '二工-对照1', arm: '常规', planted: '2017-03-20', flower: 37, ripe: 62, yield: 50000, vigour: '中' },
    { site: sites.ergong, label: '二工-对照2', arm: '常规', planted: '2017-03-20', flower: 36, ripe: 63, yield: 49600, vigour: '中' },
    { site: sites.hoboksar, label: '和布-示范1', arm: '秸秆降解', planted: '2017-03-25', flower: 32, ripe: 57, yield: 53800, vigour: '旺' },
    { site: sites.hoboksar, label: '和布-对照1', arm: '常规', planted: '2017-03-25', flower: 36, ripe: 62, yield: 49000, vigour: '中' },
    { site: sites.shitolgai, label: '什托-示范1', arm: '秸秆降解', planted: '2017-03-28', flower: 34, ripe: 60, yield: 52100, vigour: '旺' },
    { site: sites.shitolgai, label: '什托-对照1', arm: '常规', planted: '2017-03-28', flower: 37, ripe: 64, yield: 47200, vigour: '弱' },
  ];
  await createPlots(
    db,
    trial.trial.id,
    PlotList.parse(greenhouses.map((g) => ({ siteId: g.site.id, label: g.label, arm: g.arm, areaM2: 667, plantedOn: g.planted }))),
    true,
  );
  const obs: In<typeof ObservationList> = [];
  for (const g of greenhouses) {
    const flowered = addDays(g.planted, g.flower);
    const ripe = addDays(g.planted, g.ripe);
    obs.push({ plot: g.label, variable: 'flowering_date', value: flowered, observedOn: flowered, notes: null, recordedBy: '塔城地区农技中心' });
    obs.push({ plot: g.label, variable: 'first_ripening_date', value: ripe, observedOn: ripe, notes: null, recordedBy: '塔城地区农技中心' });
    obs.push({ plot: g.label, variable: 'vigour', value: g.vigour, observedOn: addDays(g.planted, 20), notes: '缓苗期长势', recordedBy: '塔城地区农技中心' });
    harvests(g.yield, [18, 24, 26, 20, 12]).forEach((kg, i) => {
      obs.push({ plot: g.label, variable: 'yield_kg_per_mu', value: kg, observedOn: addDays(ripe, 3 + i * 12), notes: `第${i + 1}次采收`, recordedBy: '塔城地区农技中心' });
    });
  }
  await createObservations(db, trial.trial.id, ObservationList.parse(obs), true);

  const fieldDays: In<typeof TrainingSessionList> = [
    { heldOn: '2017-05-26', kind: 'field_day', topic: '秸秆生物降解示范棚现场观摩会', siteId: sites.ergong.id, trainer: '塔城地区农技中心', attendance: 46, women: 17 },
    { heldOn: '2017-06-02', kind: 'field_day', topic: '秸秆生物降解示范棚现场观摩会', siteId: sites.hoboksar.id, trainer: '辽宁省农业技术推广总站', attendance: 38, women: 12 },
    { heldOn: '2017-06-05', kind: 'field_day', topic: '秸秆生物降解示范棚现场观摩会', siteId: sites.shitolgai.id, trainer: '塔城地区农技中心', attendance: 31, women: 10 },
    { heldOn: '2017-02-21', kind: 'training', topic: '秸秆生物反应堆建造操作规程培训', siteId: sites.ergong.id, trainer: '辽宁省农业技术推广总站', attendance: 24, women: 7 },
  ];
  await createSessions(db, project.id, TrainingSessionList.parse(fieldDays), true);
  return project.id;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '马', '周', '吴'];
const GIVEN = ['建国', '秀兰', '海燕', '志强', '桂英', '德胜', '玉梅', '文华', '春花', '国庆', '丽娟', '永红'];
const UYGHUR_M = ['艾买提', '买买提', '吐尔逊', '阿不都拉', '艾力', '热合曼', '努尔', '亚森'];
const UYGHUR_F = ['阿依古丽', '古丽娜', '热依拉', '帕提古丽', '再努尔', '米热古丽'];
const UYGHUR_FATHER = ['吐尔地', '艾山', '如孜', '司马义', '卡德尔', '依明'];

async function loadAksu(db: Kysely<Database>, programmeId: number): Promise<number> {
  const project = await createProject(
    db,
    ProjectInput.parse({
      code: 'AKS-WMYY-2017',
      name: '阿克苏地区“万亩亿元”增收工程',
      nameEn: 'Aksu "10,000 mu, 100 million yuan" income programme',
      programmeId,
      category: 'prefecture',
      newThisYear: true,
      prefecture: '阿克苏地区',
      supportingProvince: '浙江省',
      status: 'in_progress',
      leadOrganisation: '浙江省农业科学院',
      partnerOrganisations: ['浙江省科学技术厅', '阿克苏地区科学技术局', '新疆生产建设兵团第一师'],
      startsOn: '2017-01-01',
      endsOn: '2018-12-31',
      targets: { personTimes: 300, demoHouseholds: 100 },
      description: '在乌什、温宿、阿拉尔建成3条黑木耳中试生产线和1条产业化应用示范生产线，在10多个村近百户示范户开展试验示范；集中培训与手把手传帮带相结合。（演示数据）',
    }),
    { isDemo: true },
  );
  const lines = [
    { key: 'WS', site: await createSite(db, project.id, SiteInput.parse({ name: '乌什县黑木耳中试线', nameEn: 'Wushi pilot line', county: '乌什县', township: '依麻木镇', kind: 'production_line' })), start: '2017-04-06' },
    { key: 'WX', site: await createSite(db, project.id, SiteInput.parse({ name: '温宿县黑木耳中试线', nameEn: 'Wensu pilot line', county: '温宿县', township: '佳木镇', kind: 'production_line' })), start: '2017-04-10' },
    { key: 'AL', site: await createSite(db, project.id, SiteInput.parse({ name: '阿拉尔黑木耳中试线', nameEn: 'Aral pilot line', county: '阿拉尔市', township: '十团', kind: 'production_line' })), start: '2017-04-12' },
    { key: 'AI', site: await createSite(db, project.id, SiteInput.parse({ name: '阿拉尔产业化示范线', nameEn: 'Aral industrial demonstration line', county: '阿拉尔市', township: '十二团', kind: 'production_line' })), start: '2017-04-15' },
  ];
  const trial = await createTrial(db, project.id, TrialInput.parse({
    name: '2017 黑木耳菌袋生产线对比',
    nameEn: '2017 black fungus bag production lines',
    crop: '黑木耳 black fungus',
    season: '2017 春季',
    design: 'paired',
    description: '每条生产线同批接种成对菌袋：浙江标准化工艺对照农户传统工艺；以接种日为参照日期。',
    arms: [
      { name: '标准化工艺', role: 'treatment', description: '浙江省农科院标准化菌袋工艺 standardised bag process' },
      { name: '传统工艺', role: 'control', description: '农户传统工艺 farmers\' usual process' },
    ],
    variables: ['dry_yield_g_per_bag', 'contamination_pct', 'first_harvest_date', 'notes_text'],
  }));
  // Per line and batch pair: [treatment, control] dry yield g/bag, contamination %, days to first harvest.
  const batches: Record<string, [number, number, number, number, number, number][]> = {
    WS: [[52.4, 46.1, 3.2, 6.8, 41, 45], [50.9, 46.8, 2.9, 7.4, 42, 45], [53.6, 47.5, 3.5, 6.1, 40, 44]],
    WX: [[51.2, 45.3, 4.1, 8.2, 42, 46], [54.0, 47.9, 3.8, 7.7, 41, 46], [49.8, 46.2, 4.4, 9.0, 42, 45]],
    AL: [[55.1, 48.0, 2.6, 5.9, 39, 44], [53.3, 47.2, 2.4, 6.6, 40, 44], [54.7, 49.1, 2.8, 5.2, 39, 42]],
    AI: [[57.2, 49.6, 1.8, 4.9, 38, 42], [56.4, 50.3, 2.1, 5.5, 38, 41], [58.0, 49.9, 1.6, 4.4, 37, 42]],
  };
  const plots: In<typeof PlotList> = [];
  const obs: In<typeof ObservationList> = [];
  for (const line of lines) {
    batches[line.key].forEach(([yt, yc, ct, cc, ht, hc], i) => {
      const block = `${line.key}-批次${i + 1}`;
      const planted = addDays(line.start, i * 7);
      for (const [arm, suffix, y, c, h] of [
        ['标准化工艺', 'T', yt, ct, ht],
        ['传统工艺', 'C', yc, cc, hc],
      ] as const) {
        const label = `${line.key}-${i + 1}${suffix}`;
        plots.push({ siteId: line.site.id, label, arm, block, plantedOn: planted, areaM2: null, notes: '每组500袋' });
        const harvest = addDays(planted, h);
        obs.push({ plot: label, variable: 'first_harvest_date', value: harvest, observedOn: harvest, notes: null, recordedBy: '浙江省农科院' });
        obs.push({ plot: label, variable: 'contamination_pct', value: c.toFixed(1), observedOn: addDays(planted, 25), notes: null, recordedBy: '浙江省农科院' });
        obs.push({ plot: label, variable: 'dry_yield_g_per_bag', value: y.toFixed(1), observedOn: addDays(harvest, 40), notes: '三茬合计 / three flushes', recordedBy: '浙江省农科院' });
      }
    });
  }
  obs.push({ plot: 'AI-1T', variable: 'notes_text', value: '出耳整齐，耳片厚，色泽黑亮', observedOn: '2017-05-30', notes: null, recordedBy: '浙江省农科院' });
  await createPlots(db, trial.trial.id, PlotList.parse(plots), true);
  await createObservations(db, trial.trial.id, ObservationList.parse(obs), true);

  // About a hundred demonstration households in twelve villages.
  const villages = ['依麻木村', '阿合雅村', '英阿瓦提村', '佳木村', '托乎拉村', '恰格拉克村', '十团三连', '十团七连', '十二团五连', '十二团九连', '阿依库勒村', '喀拉塔勒村'];
  const farmers: In<typeof FarmerList> = [];
  for (let i = 0; i < 102; i++) {
    const village = villages[i % villages.length];
    const female = i % 5 === 1 || i % 5 === 3;
    const han = village.includes('团');
    const name = han
      ? SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length]
      : `${(female ? UYGHUR_F : UYGHUR_M)[i % (female ? UYGHUR_F.length : UYGHUR_M.length)]}·${UYGHUR_FATHER[(i * 5) % UYGHUR_FATHER.length]}`;
    farmers.push({ name, village, household: `${village}-${String(Math.floor(i / 12) + 1).padStart(2, '0')}号`, gender: female ? 'female' : 'male', demoHousehold: i < 98, phone: null, notes: null });
  }
  const created = await createFarmers(db, project.id, FarmerList.parse(farmers));
  const inVillage = (v: string) => created.filter((f) => f.village === v).map((f) => f.id);
  const women = (ids: number[]) => created.filter((f) => ids.includes(f.id) && f.gender === 'female').length;

  const sessions: In<typeof TrainingSessionList> = [];
  // Group trainings in the demonstration villages: some with a roster, some a head count only.
  const group = [
    { on: '2017-03-15', v: [0, 1, 2], topic: '黑木耳菌袋制作与接种技术', site: lines[0].site.id, extra: 9, roster: true },
    { on: '2017-03-18', v: [3, 4, 5], topic: '黑木耳菌袋制作与接种技术', site: lines[1].site.id, extra: 7, roster: true },
    { on: '2017-03-22', v: [6, 7, 8, 9], topic: '标准化生产线操作规程', site: lines[2].site.id, extra: 12, roster: true },
    { on: '2017-04-20', v: [10, 11], topic: '发菌期管理与杂菌防控', site: lines[3].site.id, extra: 0, roster: false, count: 41, w: 15 },
    { on: '2017-05-16', v: [0, 1, 2, 3], topic: '出耳管理与采收晾晒', site: lines[0].site.id, extra: 0, roster: false, count: 52, w: 21 },
    { on: '2017-05-19', v: [6, 7, 8, 9, 10, 11], topic: '出耳管理与采收晾晒', site: lines[2].site.id, extra: 6, roster: true },
    { on: '2017-09-12', v: [4, 5], topic: '秋耳生产与产品分级', site: lines[1].site.id, extra: 0, roster: false, count: 33, w: 12 },
  ];
  for (const g of group) {
    const ids = g.v.flatMap((vi) => inVillage(villages[vi]));
    if (g.roster) {
      sessions.push({ heldOn: g.on, kind: 'training', topic: g.topic, siteId: g.site, village: g.v.map((vi) => villages[vi]).join('、'), trainer: '浙江省农科院专家组', attendance: ids.length + g.extra, women: women(ids) + Math.floor(g.extra / 3), attendees: ids });
    } else {
      sessions.push({ heldOn: g.on, kind: 'training', topic: g.topic, siteId: g.site, village: g.v.map((vi) => villages[vi]).join('、'), trainer: '浙江省农科院专家组', attendance: g.count!, women: g.w! });
    }
  }
  // Hands-on coaching in demonstration households, one household a visit.
  created
    .filter((f) => f.demoHousehold)
    .filter((_, i) => i % 2 === 0)
    .forEach((f, i) => {
      const month = 4 + (i % 5);
      sessions.push({ heldOn: `2017-${String(month).padStart(2, '0')}-${String(3 + (i % 25)).padStart(2, '0')}`, kind: 'hands_on', topic: '示范户手把手传帮带', village: f.village, trainer: '浙江省农科院驻村技术员', attendance: 1, women: f.gender === 'female' ? 1 : 0, attendees: [f.id] });
    });
  await createSessions(db, project.id, TrainingSessionList.parse(sessions), true);
  return project.id;
}

export const DEMO_PROGRAMME: In<typeof ProgrammeInput> = {
  name: '2017年度自治区区域协同创新专项（科技援疆计划）',
  nameEn: '2017 regional collaborative innovation programme (science and technology aid to Xinjiang)',
  year: 2017,
};

/**
 * The programme's third key project and the records the report names: the outputs of each
 * project (no number is given where the report gives none) and an acceptance inspection of
 * the Tacheng project with one item still open. Categories, statuses, dates and the
 * inspection are demonstration choices, not figures from the report.
 */
async function loadProgrammeRecords(db: Kysely<Database>, programmeId: number, tacheng: number, aksu: number) {
  const slag = await createProject(
    db,
    ProjectInput.parse({
      code: 'XR-SLAG-2017',
      name: '燃煤锅炉高温炉渣处理装置立式冷渣机产业化',
      nameEn: 'Industrialising a vertical slag cooler for hot slag from coal-fired boilers',
      programmeId,
      category: 'industrialisation',
      newThisYear: true,
      supportingProvince: '上海市',
      status: 'in_progress',
      leadOrganisation: '新疆旭日环保股份有限公司',
      partnerOrganisations: ['同济大学环境科学与工程学院'],
      startsOn: '2017-01-01',
      endsOn: '2018-12-31',
      description: '引进同济大学立式冷渣机技术，研发适用于流化床燃煤锅炉、满足零排放标准的安全节能立式冷渣机，解决高温炉渣无法运输及余热回收问题。（演示数据）',
    }),
    { isDemo: true },
  );
  const outputs: [number, In<typeof OutputInput>][] = [
    [aksu, { kind: 'centre', title: '阿克苏地区“万亩亿元增收工程技术中心”' }],
    [tacheng, { kind: 'extension_material', title: '秸秆生物降解技术宣传手册' }],
    [tacheng, { kind: 'extension_material', title: '秸秆生物降解技术彩色挂图' }],
    [tacheng, { kind: 'extension_material', title: '秸秆生物降解技术多媒体影像' }],
    [tacheng, { kind: 'standard', title: '秸秆生物降解技术操作规程（标准、要点）' }],
    [slag.id, { kind: 'patent_utility', title: '立式冷渣机实用新型专利（一）', notes: '报告未列出专利名称和专利号' }],
    [slag.id, { kind: 'patent_utility', title: '立式冷渣机实用新型专利（二）', notes: '报告未列出专利名称和专利号' }],
    [slag.id, { kind: 'centre', title: '新疆燃煤烟气脱硫脱硝工程技术研究中心' }],
    [slag.id, { kind: 'postdoc_station', title: '高新区博士后科研工作站分站' }],
  ];
  for (const [projectId, output] of outputs) await createOutput(db, projectId, OutputInput.parse(output));

  const inspection = await createInspection(
    db,
    tacheng,
    InspectionInput.parse({
      date: '2017-11-20',
      experts: ['设施农业专家', '土壤肥料专家', '财务专家'],
      findings: '示范棚4座运行正常，示范棚开花期、第一穗果成熟期提前，增产效果明显；观测原始记录和观摩会签到资料需整理归档。（演示数据）',
      rectifications: [
        { item: '补齐各示范棚定植、开花、采收观测原始记录并归档', dueOn: '2017-12-31' },
        { item: '整理三次现场观摩会的签到名单', dueOn: '2018-01-31' },
      ],
    }),
  );
  await closeRectification(db, inspection.rectifications[0].id, CloseRectification.parse({ closedOn: '2017-12-20', note: '观测原始记录已补齐，随项目资料归档' }));
}
