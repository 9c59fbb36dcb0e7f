import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Lang } from '../i18n/i18n.js';
import { trainingSummary, trialReport, type TrainingSummaryDto, type TrialReport } from '../reports/reports.service.js';
import type { TrialDetail } from '../trials/trials.service.js';
import { headlineText, qualifierText } from '../reports/report-text.js';
import { num, rosterCount, share } from './format.js';
import { asName, enumLabel, listOf, nameIn, tr, withNote } from './labels.js';
import { KINDS } from '../variables/kinds.js';

export interface HeadlineView {
  text: string;
  significant: boolean;
  qualifier: string | null;
  arms: string | null;
}

/** The one-line results of a report's measured comparisons (dates and numbers): significant
 * ones first, each in report order, and every other one with its qualifier ("差异不显著" /
 * "not significant", or no interval), so an effect is never quoted without its verdict. */
export function headlinesOf(report: TrialReport, lang: Lang): HeadlineView[] {
  const severalArms = new Set(report.comparisons.map((c) => c.treatmentArm).filter(Boolean)).size > 1;
  const views = report.comparisons
    .filter((c) => KINDS[c.variable.kind].numeric)
    .map((c) => ({
      text: headlineText(lang, c.variable, c.headline.statement),
      significant: c.headline.significant === true,
      qualifier: c.headline.qualifierCode ? qualifierText(lang, c.headline.qualifierCode) : null,
      arms: severalArms && c.treatmentArm && c.controlArm ? `${c.treatmentArm} / ${c.controlArm}` : null,
    }));
  return [...views.filter((v) => v.significant), ...views.filter((v) => !v.significant)];
}

export interface TrialCard {
  id: number;
  name: string;
  crop: string;
  season: string | null;
  design: string;
  arms: string;
  headlines: HeadlineView[];
}

export async function trialCards(db: Kysely<Database>, trials: TrialDetail[], lang: Lang): Promise<TrialCard[]> {
  return Promise.all(
    trials.map(async (t) => ({
      id: t.trial.id,
      name: nameIn(lang, t.trial),
      crop: asName(lang, t.trial.crop),
      season: t.trial.season && asName(lang, t.trial.season),
      design: enumLabel(lang, 'design', t.trial.design),
      arms: listOf(lang, t.arms.map((a) => withNote(lang, a.name, enumLabel(lang, 'role', a.role)))),
      headlines: headlinesOf(await trialReport(db, t.trial.id), lang),
    })),
  );
}

export interface ProgressView {
  label: string;
  value: string;
  /** 0–100, for the bar's width. */
  percent: number;
  percentText: string;
  reached: boolean;
}

/** A progress bar towards a target, or null without one. A count that is a lower bound (a
 * distinct count from rosters while some sessions had none) reads "≥ 98 of 100 · ≥ 98%". */
export function progressView(lang: Lang, label: string, done: number, target: number | null, opts: { lowerBound?: boolean } = {}): ProgressView | null {
  if (!target || target <= 0) return null;
  const ratio = done / target;
  const atLeast = (value: string | number) => (opts.lowerBound ? tr(lang, 'training.atLeastValue', { value }) : String(value));
  return {
    label,
    value: tr(lang, 'training.ofTarget', { done: atLeast(done), target }),
    percent: Math.min(100, Math.round(ratio * 100)),
    percentText: atLeast(`${Math.round(ratio * 100)}%`),
    reached: ratio >= 1,
  };
}

/** Demonstration households against their target: none when the count is unknown (no
 * session had a roster), "≥ 98 of 100 · ≥ 98%" when it is a lower bound. */
export function householdsProgress(lang: Lang, households: number | null, sessionsWithoutRoster: number, target: number | null): ProgressView | null {
  return households === null ? null : progressView(lang, tr(lang, 'training.demoHouseholds'), households, target, { lowerBound: sessionsWithoutRoster > 0 });
}

export interface TrainingGlance {
  sessions: number;
  personTimes: number;
  /** '—' when no session has a roster, '≥ n (…)' when some lack one: never a bare 0 for unknown. */
  uniqueFarmers: string;
  women: string;
  womenShare: string;
  demoHouseholds: string;
  progress: ProgressView | null;
  households: ProgressView | null;
  /** What to say about demonstration households when there is no bar: no target set, or a
   * target whose trained households are unknown because no session has a roster. */
  householdsNote: string | null;
}

export function trainingGlance(s: TrainingSummaryDto, lang: Lang): TrainingGlance {
  return {
    sessions: s.sessions,
    personTimes: s.personTimes,
    uniqueFarmers: rosterCount(s.uniqueFarmers, s.sessionsWithoutRoster, lang),
    women: s.women === null ? '—' : num(s.women),
    womenShare: share(s.women, s.personTimes),
    demoHouseholds: rosterCount(s.demoHouseholds, s.sessionsWithoutRoster, lang),
    progress: progressView(lang, tr(lang, 'training.personTimes'), s.personTimes, s.target.personTimes),
    households: householdsProgress(lang, s.demoHouseholds, s.sessionsWithoutRoster, s.target.demoHouseholds),
    householdsNote: !s.target.demoHouseholds || s.target.demoHouseholds <= 0
      ? tr(lang, 'project.noHouseholdTarget')
      : s.demoHouseholds === null
        ? tr(lang, 'project.householdsUnknown', { target: s.target.demoHouseholds })
        : null,
  };
}

export async function projectTraining(db: Kysely<Database>, projectId: number, lang: Lang): Promise<TrainingGlance> {
  return trainingGlance(await trainingSummary(db, projectId), lang);
}
