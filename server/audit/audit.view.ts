import type { TrialDto } from '../trials/trials.service.js';
import { isMessageKey, translate, type Lang } from '../i18n/i18n.js';
import type { HistoryEntry } from './audit.service.js';

const HIDDEN = new Set(['id', 'version', 'createdAt', 'updatedAt']);
const VALUE_FIELDS = ['valueNumber', 'valueDate', 'valueText'];

const stamp = (d: Date | string) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');
const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A record field in words ("记录人" / "recorded by"), never its column name. */
export function fieldLabel(lang: Lang, field: string): string {
  const key = `field.${field}`;
  return isMessageKey(key) ? translate(lang, key) : field;
}

/** Closed-list values in words (a training kind, a gender, yes / no). */
const VALUE_LISTS: Record<string, string> = { kind: 'trainingKind', gender: 'gender', design: 'design', role: 'role' };
function shownIn(lang: Lang, field: string, v: unknown): string {
  if (typeof v === 'boolean') return translate(lang, v ? 'common.yes' : 'common.no');
  const list = VALUE_LISTS[field];
  const key = list && typeof v === 'string' ? `${list}.${v}` : undefined;
  if (key && isMessageKey(key)) return translate(lang, key);
  return shown(v);
}

/**
 * Audit entries for a page: when (UTC), who, what, and each changed field as `old → new`
 * (an observation's three value columns shown as one `value`), with the reason.
 */
export function historyView(lang: Lang, entries: HistoryEntry[]) {
  return entries
    .slice()
    .reverse()
    .map((e) => {
      const before = e.before ?? {};
      const after = e.after ?? {};
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !HIDDEN.has(k));
      const changes: { field: string; from: string; to: string }[] = [];
      const value = (row: Record<string, unknown>) => VALUE_FIELDS.map((k) => row[k]).find((v) => v !== null && v !== undefined);
      if (keys.some((k) => VALUE_FIELDS.includes(k)) && shown(value(before)) !== shown(value(after))) {
        changes.push({ field: fieldLabel(lang, 'value'), from: shown(value(before)), to: shown(value(after)) });
      }
      for (const k of keys) {
        if (VALUE_FIELDS.includes(k) || k === 'deletedAt' || k === 'lockedAt' || k === 'lockedBy') continue;
        if (e.action === 'create' || e.action === 'delete' ? false : shown(before[k]) !== shown(after[k])) changes.push({ field: fieldLabel(lang, k), from: shownIn(lang, k, before[k]), to: shownIn(lang, k, after[k]) });
      }
      return {
        at: stamp(e.at),
        who: e.actor?.name ?? translate(lang, 'history.system'),
        action: translate(lang, `history.action.${e.action}`),
        changes,
        reason: e.reason,
      };
    });
}

/** "Signed off (date, by whom)" for a locked trial, else undefined. */
export function signOffText(lang: Lang, trial: Pick<TrialDto, 'lockedAt' | 'lockedBy'>): string | undefined {
  if (!trial.lockedAt) return undefined;
  return translate(lang, 'lock.signedOff', { when: stamp(trial.lockedAt).slice(0, 10), name: trial.lockedBy?.name ?? '' });
}
