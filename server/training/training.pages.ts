import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database, FarmerRow, ProjectRow } from '../../db/database.js';
import { flagText } from '../reports/report-text.js';
import { languageOf } from '../i18n/i18n.js';
import { barByMonth } from '../charts/bar-by-month.js';
import { loadCharts } from '../charts/svg.js';
import * as farmers from '../farmers/farmers.service.js';
import { paramId } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import { trainingSummary } from '../reports/reports.service.js';
import { listSites } from '../sites/sites.service.js';
import { TRAINING_KINDS, TrainingSessionInput, TrainingSessionPatch } from './training.schemas.js';
import * as training from './training.service.js';
import { parseOrThrow } from '../validation.js';
import { num, rosterCount, share } from '../web/format.js';
import { asText, fieldView, mountForm, read, type FieldSpec, type FormBody, type FormState } from '../web/forms.js';
import { enumLabel, enumOptions, langOf, listOf, nameIn, tr } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import { matches, pageOf, param, withQuery } from '../web/list-page.js';
import type { MessageKey } from '../i18n/i18n.js';
import { trainingGlance } from '../web/summaries.js';
import { crumbs } from '../web/crumbs.js';

/** The training ledger of a project (figures, chart and sessions), the session forms with a
 * roster picker over registered farmers. The farmer register is in farmers/farmers.pages.ts. */
export function trainingPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  r.get('/projects/:id/training', async (req, res) => {
    await loadCharts();
    const lang = langOf(res);
    const project = await getProject(db, paramId(req, 'ProjectNotFound'));
    const [summary, sessions, siteRows] = await Promise.all([trainingSummary(db, project.id), training.listSessions(db, project.id), listSites(db, project.id)]);
    const siteName = new Map(siteRows.map((s) => [s.id, nameIn(lang, s)]));
    const figures = (f: { sessions: number; personTimes: number; women: number | null; uniqueFarmers: number | null; sessionsWithoutRoster: number }) => ({
      sessions: f.sessions,
      personTimes: f.personTimes,
      women: f.women === null ? '—' : num(f.women),
      womenShare: share(f.women, f.personTimes),
      uniqueFarmers: rosterCount(f.uniqueFarmers, f.sessionsWithoutRoster, lang),
      headCountOnly: f.sessionsWithoutRoster,
    });
    const { locale, isoMonths } = languageOf(lang);
    const month = (m: string, style: 'short' | 'long') => new Date(`${m}-01T00:00:00Z`).toLocaleString(locale, { ...(style === 'long' ? { year: 'numeric' } : {}), month: style, timeZone: 'UTC' });
    const monthLabel = (m: string) => (isoMonths ? m : month(m, 'long'));
    const chartData = summary.byMonth.map((m) => ({ month: m.month, personTimes: m.personTimes, women: m.women, uniqueFarmers: m.uniqueFarmers }));
    const chartLabel = (m: string) => month(m, 'short');
    // The sessions: filtered by kind, month, village and text, sorted, 50 a page.
    const filter = { kind: param(req.query.kind), month: param(req.query.month), village: param(req.query.village), q: param(req.query.q), sort: param(req.query.sort) };
    type S = (typeof sessions)[number];
    const SORTS: Record<string, (a: S, b: S) => number> = {
      date: (a, b) => b.heldOn.localeCompare(a.heldOn) || b.id - a.id,
      dateAsc: (a, b) => a.heldOn.localeCompare(b.heldOn) || a.id - b.id,
      attendance: (a, b) => b.attendance - a.attendance || b.heldOn.localeCompare(a.heldOn),
      topic: (a, b) => a.topic.localeCompare(b.topic, 'zh') || b.heldOn.localeCompare(a.heldOn),
    };
    const sort = filter.sort in SORTS ? filter.sort : 'date';
    const placeOf = (x: S) => listOf(lang, [x.siteId !== null ? siteName.get(x.siteId) : null, x.village], ' · ');
    const chosen = sessions
      .filter((x) => !filter.kind || x.kind === filter.kind)
      .filter((x) => !filter.month || x.heldOn.startsWith(filter.month))
      .filter((x) => !filter.village || x.village === filter.village)
      .filter((x) => !filter.q || matches(filter.q, x.topic, x.trainer, placeOf(x)))
      .sort(SORTS[sort]);
    const base = `/projects/${project.id}/training`;
    const paged = pageOf(chosen, param(req.query.page), (n) => withQuery(base, { ...filter, page: n }, '#sessions'), lang);
    const months = [...new Set(sessions.map((x) => x.heldOn.slice(0, 7)))].sort().reverse();
    const sessionVillages = [...new Set(sessions.map((x) => x.village).filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b, 'zh'));
    const sessionList = {
      rows: paged.rows,
      filter,
      filtered: !!(filter.kind || filter.month || filter.village || filter.q),
      clearHref: `${base}#sessions`,
      pager: paged.pager,
      kindOptions: TRAINING_KINDS.map((k) => ({ value: k, label: enumLabel(lang, 'trainingKind', k), selected: k === filter.kind })),
      monthOptions: months.map((m) => ({ value: m, label: monthLabel(m), selected: m === filter.month })),
      villageOptions: sessionVillages.map((v) => ({ value: v, label: v, selected: v === filter.village })),
      sortOptions: Object.keys(SORTS).map((k) => ({ value: k, label: tr(lang, `list.sort.${k}` as MessageKey), selected: k === sort })),
    };
    sendPage(res, renderer, 'training/index', {
      title: `${tr(lang, 'training.title')} · ${nameIn(lang, project)}`,
      crumbs: crumbs(lang, { project }),
      project: { id: project.id, name: nameIn(lang, project) },
      glance: trainingGlance(summary, lang),
      summary: {
        ...figures(summary),
        uniqueWomen: rosterCount(summary.uniqueWomen, summary.sessionsWithoutRoster, lang),
        demoHouseholds: rosterCount(summary.demoHouseholds, summary.sessionsWithoutRoster, lang),
        registeredDemoHouseholds: summary.registeredDemoHouseholds,
      },
      chart: chartData.length
        ? {
            uniqueFarmers: chartData.some((m) => typeof m.uniqueFarmers === 'number'),
            wide: barByMonth({ months: chartData, yLabel: tr(lang, 'training.personTimes'), monthLabel: chartLabel, width: 820 }),
            narrow: barByMonth({ months: chartData, yLabel: tr(lang, 'training.personTimes'), monthLabel: chartLabel, width: 360 }),
          }
        : null,
      byMonth: summary.byMonth.map((m) => ({ label: monthLabel(m.month), ...figures(m) })),
      byKind: summary.byKind.map((k) => ({ label: enumLabel(lang, 'trainingKind', k.kind), ...figures(k) })),
      bySite: summary.bySite.map((s) => ({
        label: s.siteId !== null ? (siteName.get(s.siteId) ?? s.siteName ?? '') : (s.village ?? tr(lang, 'training.noPlace')),
        isVillage: s.siteId === null && s.village !== null,
        ...figures(s),
      })),
      flags: summary.flags.filter((f) => f !== 'noTarget' && f !== 'noDemoHouseholdTarget').map((f) => flagText(lang, f)),
      ...sessionList,
      sessions: sessionList.rows.map((s) => ({
        id: s.id,
        heldOn: s.heldOn,
        kind: enumLabel(lang, 'trainingKind', s.kind),
        topic: s.topic,
        place: listOf(lang, [s.siteId !== null ? siteName.get(s.siteId) : null, s.village], ' · '),
        trainer: s.trainer,
        attendance: s.attendance,
        women: s.women ?? '—',
        roster: s.attendees ? tr(lang, 'training.rosterCount', { count: s.attendees.length }) : tr(lang, 'training.headCountOnly'),
      })),
      exportCsv: `/api/projects/${project.id}/training-sessions/export?format=csv`,
      exportXlsx: `/api/projects/${project.id}/training-sessions/export?format=xlsx`,
    });
  });

  // ---- Sessions --------------------------------------------------------------------------

  const sessionContext = async (project: ProjectRow) => ({
    project,
    sites: await listSites(db, project.id),
    farmers: await farmers.listFarmers(db, project.id),
  });

  mountForm(r, renderer, '/projects/:id/training-sessions/new', {
    load: async (req) => ({ ...(await sessionContext(await getProject(db, paramId(req, 'ProjectNotFound')))), session: null }),
    initial: () => ({ kind: 'training' }),
    submit: async ({ project }, body) => {
      await training.createSessions(db, project.id, [parseOrThrow(TrainingSessionInput, sessionFields(body))], false);
      return `/projects/${project.id}/training#sessions`;
    },
    rename: sessionRename,
    render: (c, form) => sessionForm(form, c),
  });

  mountForm(r, renderer, '/training-sessions/:id/edit', {
    load: async (req) => {
      const session = await training.getSession(db, paramId(req, 'TrainingSessionNotFound'));
      return { ...(await sessionContext(await getProject(db, session.projectId))), session };
    },
    initial: ({ session: s }) => {
      const values: FormBody = {
        heldOn: s!.heldOn,
        kind: s!.kind,
        topic: s!.topic,
        siteId: asText(s!.siteId),
        village: asText(s!.village),
        trainer: asText(s!.trainer),
        attendance: String(s!.attendance),
        women: asText(s!.women),
        notes: asText(s!.notes),
        version: String(s!.version),
      };
      for (const f of s!.attendees ?? []) values[`attendee.${f}`] = '1';
      return values;
    },
    submit: async ({ session }, body) => {
      await training.patchSession(db, session!.id, parseOrThrow(TrainingSessionPatch, { ...sessionFields(body), version: Number(body.version) }));
      return `/projects/${session!.projectId}/training#sessions`;
    },
    rename: sessionRename,
    render: (c, form) => sessionForm(form, c),
  });

  r.post('/training-sessions/:id/delete', async (req, res) => {
    const session = await training.getSession(db, paramId(req, 'TrainingSessionNotFound'));
    await training.deleteSession(db, session.id);
    res.redirect(303, `/projects/${session.projectId}/training#sessions`);
  });


  return r;
}

function sessionFields(b: FormBody) {
  const attendees = Object.keys(b)
    .map((k) => /^attendee\.(\d{1,9})$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null && read.checkbox(b[m[0]]))
    .map((m) => Number(m[1]))
    .sort((x, y) => x - y);
  return {
    heldOn: read.text(b.heldOn),
    kind: read.text(b.kind),
    topic: read.text(b.topic),
    siteId: read.optional(b.siteId),
    village: read.optional(b.village),
    trainer: read.optional(b.trainer),
    attendance: read.integer(b.attendance) ?? undefined,
    women: read.integer(b.women),
    attendees: attendees.length ? attendees : null,
    notes: read.optional(b.notes),
  };
}

function sessionRename(path: string): string | undefined {
  if (path.startsWith('attendees')) return 'attendees';
  return path || undefined;
}

interface SessionFormContext {
  project: ProjectRow;
  sites: Awaited<ReturnType<typeof listSites>>;
  farmers: FarmerRow[];
  session: Awaited<ReturnType<typeof training.getSession>> | null;
}

function sessionForm(form: FormState, { project, sites, farmers: people, session }: SessionFormContext) {
  const { lang, values, errors } = form;
  const f = (spec: FieldSpec) => fieldView(lang, values, errors, spec);
  const villages = new Map<string, FarmerRow[]>();
  for (const p of people) {
    const v = p.village ?? tr(lang, 'farmer.noVillage');
    villages.set(v, [...(villages.get(v) ?? []), p]);
  }
  const selected = people.filter((p) => read.checkbox(values[`attendee.${p.id}`]));
  return {
    view: 'training/form',
    context: {
      title: tr(lang, session ? 'session.edit' : 'session.new'),
      heading: tr(lang, session ? 'session.edit' : 'session.new'),
      crumbs: crumbs(lang, { project }, { href: `/projects/${project.id}/training`, label: tr(lang, 'training.title') }),
      action: session ? `/training-sessions/${session.id}/edit` : `/projects/${project.id}/training-sessions/new`,
      version: values.version ?? (session ? String(session.version) : null),
      fields: [
        f({ name: 'heldOn', label: 'session.heldOn', type: 'date', required: true }),
        f({ name: 'kind', label: 'session.kind', type: 'select', options: enumOptions(lang, 'trainingKind', TRAINING_KINDS) }),
        f({ name: 'topic', label: 'session.topic', required: true, wide: true }),
        f({ name: 'siteId', label: 'session.site', type: 'select', options: [['', tr(lang, 'session.noSite')], ...sites.map((s) => [String(s.id), nameIn(lang, s)] as const)] }),
        f({ name: 'village', label: 'session.village' }),
        f({ name: 'trainer', label: 'session.trainer' }),
        f({ name: 'attendance', label: 'session.attendance', type: 'integer', required: true, hint: 'session.attendanceHint' }),
        f({ name: 'women', label: 'session.women', type: 'integer' }),
        f({ name: 'notes', label: 'session.notes', type: 'textarea' }),
      ],
      rosterError: errors?.fields.attendees,
      selectedCount: selected.length,
      selectedWomen: selected.filter((p) => p.gender === 'female').length,
      villages: [...villages.entries()].map(([name, list], i) => ({
        name,
        id: `village-${i}`,
        farmers: list.map((p) => ({
          id: p.id,
          name: p.name,
          field: `attendee.${p.id}`,
          checked: read.checkbox(values[`attendee.${p.id}`]),
          female: p.gender === 'female',
          gender: enumLabel(lang, 'gender', p.gender),
          household: p.household,
          demo: p.demoHousehold,
        })),
      })),
      noFarmers: people.length === 0,
      farmersHref: `/projects/${project.id}/farmers/new`,
      deleteAction: session ? `/training-sessions/${session.id}/delete` : null,
      submitLabel: tr(lang, session ? 'form.save' : 'form.create'),
      cancelHref: `/projects/${project.id}/training`,
    },
  };
}
