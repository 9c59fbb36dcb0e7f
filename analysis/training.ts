import { isIsoDate } from './dates.js';
import type { Flag } from './flags.js';

export type SessionKind = 'training' | 'field_day' | 'hands_on';

export interface TrainingSession {
  id: number;
  heldOn: string;
  kind: SessionKind;
  siteId: number | null;
  siteName: string | null;
  village: string | null;
  /** Head count: everyone who came, registered or not. */
  attendance: number;
  /** Women among the head count, when counted. */
  women: number | null;
  /** Registered farmers on the roster; null when only a head count was taken. */
  attendees: number[] | null;
}

export interface TrainingFarmer {
  id: number;
  gender: 'female' | 'male' | null;
  demoHousehold: boolean;
  household: string | null;
}

export interface TrainingInput {
  sessions: TrainingSession[];
  farmers: TrainingFarmer[];
  target: { personTimes: number | null; demoHouseholds: number | null };
}

/** Figures that add up the same way for the whole project and for each month, kind or site. */
export interface TrainingFigures {
  sessions: number;
  /** 人次: sum of attendance. */
  personTimes: number;
  /** Sum of the sessions' counts of women; null when no session counted them. */
  women: number | null;
  /**
   * Distinct registered farmers over the rosters: a lower bound when some sessions lack a
   * roster (`coverage` < 1), null when none has one (unknown, not zero). 0 with no session.
   */
  uniqueFarmers: number | null;
  /** Distinct female farmers over the rosters; null as `uniqueFarmers`. */
  uniqueWomen: number | null;
  /** Distinct demonstration households (by household, else by farmer) over the rosters; null as `uniqueFarmers`. */
  demoHouseholds: number | null;
  /** Sessions with a roster / all sessions (1 = the distinct counts are exact); null without sessions. */
  coverage: number | null;
  /** Sessions with a head count only: in personTimes, not in the unique counts. */
  sessionsWithoutRoster: number;
  /** Sessions whose women were not counted: not in `women`. */
  sessionsWithoutWomenCount: number;
}

export interface TrainingSummary extends TrainingFigures {
  /** Demonstration households in the farmer register, trained or not. */
  registeredDemoHouseholds: number;
  /** Months with sessions, sorted ("2017-05"). */
  byMonth: ({ month: string } & TrainingFigures)[];
  /** Kinds with sessions, in the order training, field_day, hands_on. */
  byKind: ({ kind: SessionKind } & TrainingFigures)[];
  /** Sessions grouped by site, else by village, else unplaced (all three null). */
  bySite: ({ siteId: number | null; siteName: string | null; village: string | null } & TrainingFigures)[];
  target: {
    personTimes: number | null;
    /** personTimes / target (1 = reached); null without a positive target. */
    progress: number | null;
    demoHouseholds: number | null;
    /** demoHouseholds (reached by training) / target; null without a positive target. */
    demoHouseholdsProgress: number | null;
  };
  flags: Flag[];
}

const KINDS: SessionKind[] = ['training', 'field_day', 'hands_on'];

function householdKey(farmer: TrainingFarmer): string {
  const household = farmer.household?.trim();
  return household ? `household:${household}` : `farmer:${farmer.id}`;
}

function figures(sessions: readonly TrainingSession[], farmers: ReadonlyMap<number, TrainingFarmer>): TrainingFigures {
  const rostered = new Set<TrainingFarmer>();
  let personTimes = 0;
  let women: number | null = null;
  let sessionsWithoutRoster = 0;
  let sessionsWithoutWomenCount = 0;
  for (const s of sessions) {
    personTimes += s.attendance;
    if (s.women === null) sessionsWithoutWomenCount += 1;
    else women = (women ?? 0) + s.women;
    if (s.attendees === null) sessionsWithoutRoster += 1;
    else
      for (const id of s.attendees) {
        const farmer = farmers.get(id);
        if (farmer) rostered.add(farmer);
      }
  }
  const list = [...rostered];
  const unknown = sessions.length > 0 && sessionsWithoutRoster === sessions.length;
  return {
    sessions: sessions.length,
    personTimes,
    women,
    uniqueFarmers: unknown ? null : list.length,
    uniqueWomen: unknown ? null : list.filter((f) => f.gender === 'female').length,
    demoHouseholds: unknown ? null : new Set(list.filter((f) => f.demoHousehold).map(householdKey)).size,
    coverage: sessions.length > 0 ? (sessions.length - sessionsWithoutRoster) / sessions.length : null,
    sessionsWithoutRoster,
    sessionsWithoutWomenCount,
  };
}

function groupBy<K>(sessions: readonly TrainingSession[], key: (s: TrainingSession) => K): Map<K, TrainingSession[]> {
  const groups = new Map<K, TrainingSession[]>();
  for (const s of sessions) {
    const k = key(s);
    const list = groups.get(k);
    if (list) list.push(s);
    else groups.set(k, [s]);
  }
  return groups;
}

function ratio(value: number | null, target: number | null): number | null {
  return value !== null && target !== null && target > 0 ? value / target : null;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Training figures for a project (spec §6). Person-times (人次) add up every session's
 * attendance; unique farmers, unique women and demonstration households count distinct
 * registered farmers over the rosters, so a session with only a head count adds to
 * person-times and women (its count of women) but not to the distinct counts, and is
 * counted in `sessionsWithoutRoster`. Where no session has a roster the distinct counts are
 * null (unknown, never 0); where some lack one they are lower bounds and `coverage` says
 * which share of sessions had a roster. The same figures are given per month, per kind and
 * per site. Progress = person-times / target.
 * @example summarizeTraining({
 *   sessions: [
 *     { id: 1, heldOn: '2017-05-04', kind: 'training', siteId: 1, siteName: 'Tacheng', village: null, attendance: 30, women: 12, attendees: [1, 2] },
 *     { id: 2, heldOn: '2017-06-10', kind: 'field_day', siteId: 1, siteName: 'Tacheng', village: null, attendance: 50, women: 20, attendees: [2] },
 *   ],
 *   farmers: [{ id: 1, gender: 'female', demoHousehold: true, household: 'H1' }, { id: 2, gender: 'male', demoHousehold: false, household: null }],
 *   target: { personTimes: 400, demoHouseholds: null },
 * }) // => personTimes 80, uniqueFarmers 2, women 32, uniqueWomen 1, target.progress 0.2
 */
export function summarizeTraining(input: TrainingInput): TrainingSummary {
  const { sessions } = input;
  const farmers = new Map(input.farmers.map((f) => [f.id, f]));
  const flags: Flag[] = [];
  const total = figures(sessions, farmers);

  const rosterIds = sessions.flatMap((s) => s.attendees ?? []);
  if (rosterIds.some((id) => !farmers.has(id))) flags.push('unknownFarmer');
  if (sessions.some((s) => s.attendees !== null && new Set(s.attendees).size > s.attendance)) flags.push('rosterLargerThanAttendance');
  if (total.sessionsWithoutWomenCount > 0 && total.women !== null) flags.push('missingWomenCount');
  if (sessions.some((s) => !isIsoDate(s.heldOn))) flags.push('invalidDate');

  const months = groupBy(
    sessions.filter((s) => isIsoDate(s.heldOn)),
    (s) => s.heldOn.slice(0, 7),
  );
  const kinds = groupBy(sessions, (s) => s.kind);
  const places = groupBy(sessions, (s) =>
    s.siteId !== null ? `1:${String(s.siteId).padStart(12, '0')}` : s.village?.trim() ? `2:${s.village.trim()}` : '3:',
  );

  const personTimesTarget = input.target.personTimes;
  const demoTarget = input.target.demoHouseholds;
  const progress = ratio(total.personTimes, personTimesTarget);
  const demoHouseholdsProgress = ratio(total.demoHouseholds, demoTarget);
  if (progress === null) flags.push('noTarget');
  if (demoTarget === null || demoTarget <= 0) flags.push('noDemoHouseholdTarget');

  return {
    ...total,
    registeredDemoHouseholds: new Set(input.farmers.filter((f) => f.demoHousehold).map(householdKey)).size,
    byMonth: [...months.keys()].sort(byCodePoint).map((month) => ({ month, ...figures(months.get(month)!, farmers) })),
    byKind: KINDS.filter((k) => kinds.has(k)).map((kind) => ({ kind, ...figures(kinds.get(kind)!, farmers) })),
    bySite: [...places.keys()].sort(byCodePoint).map((key) => {
      const group = places.get(key)!;
      const first = group[0];
      const place = key.startsWith('1:')
        ? { siteId: first.siteId, siteName: group.find((s) => s.siteName)?.siteName ?? null, village: null }
        : { siteId: null, siteName: null, village: key.startsWith('2:') ? key.slice(2) : null };
      return { ...place, ...figures(group, farmers) };
    }),
    target: { personTimes: personTimesTarget, progress, demoHouseholds: demoTarget, demoHouseholdsProgress },
    flags,
  };
}
