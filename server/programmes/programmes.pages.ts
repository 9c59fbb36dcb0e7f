import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { CATEGORIES, OUTPUT_KINDS } from '../../analysis/programme-summary.js';
import { projectsByCategory } from '../charts/projects-by-category.js';
import { loadCharts } from '../charts/svg.js';
import { paramId } from '../http.js';
import type { KeysUnder } from '../i18n/i18n.js';
import { closeRectification, getRectification, today } from '../inspections/inspections.service.js';
import { CloseRectification } from '../inspections/inspections.schemas.js';
import { getProject } from '../projects/projects.service.js';
import { hasPermission } from '../accounts/access.js';
import { parseOrThrow } from '../validation.js';
import { fieldView, mountForm, read, type FieldSpec } from '../web/forms.js';
import * as service from './programmes.service.js';
import { PROJECT_STATUSES } from '../projects/projects.schemas.js';
import { listTrials } from '../trials/trials.service.js';
import { enumLabel, enumOptions, langOf, listOf, nameIn, otherName, tr } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import { householdsProgress, progressView, trialCards } from '../web/summaries.js';
import { rosterCount } from '../web/format.js';
import { crumbs } from '../web/crumbs.js';

const STATUS_COLOURS: Record<(typeof PROJECT_STATUSES)[number] | 'none', string> = {
  proposed: '#c9d6df',
  approved: '#9cc5a1',
  in_progress: '#4f9a5b',
  awaiting_acceptance: '#e0b44c',
  rectifying: '#d0743c',
  accepted: '#2f6b3a',
  none: '#bbbbbb',
};
const STATUS_ORDER = ['proposed', 'approved', 'in_progress', 'awaiting_acceptance', 'rectifying', 'accepted', 'none'] as const;

interface Filters {
  category: string;
  status: string;
  prefecture: string;
}

function filtersOf(req: Request): Filters {
  const pick = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return { category: pick(req.query.category), status: pick(req.query.status), prefecture: pick(req.query.prefecture) };
}

function matches(f: service.ProjectFigures, filters: Filters): boolean {
  const p = f.project;
  if (filters.category && (filters.category === 'none' ? p.category !== null : p.category !== filters.category)) return false;
  if (filters.status && (filters.status === 'none' ? p.status !== null : p.status !== filters.status)) return false;
  if (filters.prefecture && (p.prefecture ?? '') !== (filters.prefecture === 'none' ? '' : filters.prefecture)) return false;
  return true;
}

/** The programme pages: the list, one programme's figures, and its printable A4 summary. */
export function programmePages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  r.get('/programmes', async (_req, res) => {
    const lang = langOf(res);
    const programmes = await Promise.all(
      (await service.listProgrammes(db)).map(async (g) => {
        const { projects } = await service.programmeProjects(db, g.id);
        return { id: g.id, name: nameIn(lang, g), otherName: otherName(lang, g), year: tr(lang, 'programme.yearOf', { year: g.year }), projectCount: projects.length };
      }),
    );
    sendPage(res, renderer, 'programmes/index', { title: tr(lang, 'programme.list'), crumbs: crumbs(lang, {}), programmes });
  });

  r.get('/programmes/:id', async (req, res) => {
    await loadCharts();
    const lang = langOf(res);
    const overview = await service.programmeOverview(db, paramId(req, 'ProgrammeNotFound'));
    const summary = service.summarize(overview);
    const filters = filtersOf(req);
    const shown = overview.projects.filter((f) => matches(f, filters));
    const asOf = today();
    const g = overview.programme;

    // Category × status, for the table and the chart.
    const categoryKeys = [...CATEGORIES, 'none'] as const;
    const categoryLabel = (c: string) => (c === 'none' ? tr(lang, 'status.none') : enumLabel(lang, 'category', c as KeysUnder<'category'>));
    const statusLabel = (s: string) => enumLabel(lang, 'status', s as KeysUnder<'status'>);
    const cell = (c: string, s: string) => overview.projects.filter((f) => (f.project.category ?? 'none') === c && (f.project.status ?? 'none') === s).length;
    const usedStatuses = STATUS_ORDER.filter((s) => overview.projects.some((f) => (f.project.status ?? 'none') === s));
    const usedCategories = categoryKeys.filter((c) => c !== 'none' || overview.projects.some((f) => f.project.category === null));
    const chartInput = (width: number, fontSize?: number) =>
      projectsByCategory({
        counts: usedCategories.flatMap((c) => usedStatuses.map((s) => ({ category: categoryLabel(c), status: statusLabel(s), count: cell(c, s) }))),
        categories: usedCategories.map(categoryLabel),
        statuses: usedStatuses.map((s) => ({ label: statusLabel(s), colour: STATUS_COLOURS[s] })),
        xLabel: tr(lang, 'programme.count'),
        width,
        fontSize,
      });
    const prefectures = [...new Set(overview.projects.map((f) => f.project.prefecture ?? ''))].sort();

    const rows = shown.map((f) => {
      const p = f.project;
      const open = f.inspections.flatMap((i) => i.rectifications).filter((x) => x.open);
      return {
        id: p.id,
        name: nameIn(lang, p),
        code: p.code,
        category: enumLabel(lang, 'category', p.category) || '—',
        status: p.status ? statusLabel(p.status) : '—',
        statusKey: p.status ?? 'none',
        isNew: p.newThisYear,
        place: listOf(lang, [p.prefecture, p.county], ' · ') || '—',
        povertyCounty: p.povertyCounty,
        supportingProvince: p.supportingProvince ?? '—',
        host: p.leadOrganisation ?? '—',
        partners: listOf(lang, p.partnerOrganisations),
        budget: p.budget ?? '—',
        outputs: f.outputs.length,
        open: open.length,
        overdue: open.filter((x) => x.overdue).length,
      };
    });

    const targets = shown.map((f) => ({
      id: f.project.id,
      name: nameIn(lang, f.project),
      sessions: f.training.sessions,
      personTimes: f.training.personTimes,
      personTimesTarget: f.project.targets.personTimes ?? null,
      uniqueFarmers: rosterCount(f.training.uniqueFarmers, f.training.sessionsWithoutRoster, lang),
      demoHouseholdsShown: rosterCount(f.training.demoHouseholds, f.training.sessionsWithoutRoster, lang),
      demoHouseholdsTarget: f.project.targets.demoHouseholds ?? null,
      progress: progressView(lang, tr(lang, 'training.personTimes'), f.training.personTimes, f.project.targets.personTimes),
      households: householdsProgress(lang, f.training.demoHouseholds, f.training.sessionsWithoutRoster, f.project.targets.demoHouseholds),
    }));
    const sum = (k: 'sessions' | 'personTimes') => targets.reduce((a, t) => a + t[k], 0);
    // Unique farmers and households of the projects shown: lower bounds or unknown as the rows.
    const rostered = service.rosterTotals(shown);
    const sumTarget = (k: 'personTimesTarget' | 'demoHouseholdsTarget') => targets.reduce((a, t) => a + (t[k] ?? 0), 0);

    const outputs = OUTPUT_KINDS.map((kind) => {
      const items = shown.flatMap((f) => f.outputs.filter((o) => o.kind === kind).map((o) => ({ ...o, project: nameIn(lang, f.project), projectId: f.project.id })));
      return { kind, label: enumLabel(lang, 'outputKind', kind), count: items.length, items, distributed: items.reduce((a, o) => a + (o.count ?? 0), 0) };
    });

    const inspections = shown.flatMap((f) =>
      f.inspections.map((i) => ({
        ...i,
        project: nameIn(lang, f.project),
        experts: listOf(lang, i.experts),
        rectifications: i.rectifications.map((x) => ({ ...x, state: x.open ? (x.overdue ? 'overdue' : 'open') : 'closed' })),
      })),
    );
    const openItems = inspections
      .flatMap((i) => i.rectifications.filter((x) => x.open).map((x) => ({ ...x, project: i.project, projectId: i.projectId, inspectedOn: i.date })))
      .sort((a, b) => (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
    const awaiting = shown
      .filter((f) => f.project.status === 'awaiting_acceptance')
      .map((f) => ({ id: f.project.id, name: nameIn(lang, f.project), inspected: f.inspections.length > 0, lastInspection: f.inspections.at(-1)?.date ?? null }));

    const results = await Promise.all(
      shown.map(async (f) => ({ id: f.project.id, name: nameIn(lang, f.project), trials: await trialCards(db, await listTrials(db, f.project.id), lang) })),
    );

    sendPage(res, renderer, 'programmes/show', {
      title: nameIn(lang, g),
      crumbs: crumbs(lang, {}, { href: '/programmes', label: tr(lang, 'programme.list') }),
      programme: { ...g, displayName: nameIn(lang, g), otherName: otherName(lang, g), yearText: tr(lang, 'programme.yearOf', { year: g.year }) },
      incomplete: overview.complete ? null : tr(lang, 'programme.incomplete', { shown: overview.projects.length, total: (await service.programmeProjects(db, g.id, { all: true })).projects.length }),
      sentences: summary.sentences[lang],
      summary,
      asOf,
      matrix: {
        statuses: usedStatuses.map(statusLabel),
        rows: usedCategories.map((c) => ({ label: categoryLabel(c), cells: usedStatuses.map((s) => cell(c, s)), total: usedStatuses.reduce((a, s) => a + cell(c, s), 0) })),
        totals: usedStatuses.map((s) => usedCategories.reduce((a, c) => a + cell(c, s), 0)),
        total: overview.projects.length,
        newByCategory: usedCategories.map((c) => (c === 'none' ? overview.projects.filter((f) => f.project.newThisYear && !f.project.category).length : summary.newByCategory[c])),
        newTotal: summary.newProjects,
      },
      byPrefecture: prefectures.map((pf) => ({
        label: pf || tr(lang, 'programme.unknownPrefecture'),
        count: overview.projects.filter((f) => (f.project.prefecture ?? '') === pf).length,
        poverty: overview.projects.filter((f) => (f.project.prefecture ?? '') === pf && f.project.povertyCounty).length,
      })),
      chart: overview.projects.length
        ? { wide: chartInput(760), narrow: chartInput(360, 11), legend: usedStatuses.map((s) => ({ label: statusLabel(s), colour: STATUS_COLOURS[s] })) }
        : null,
      filter: {
        categories: enumOptions(lang, 'category', CATEGORIES).map(([value, label]) => ({ value, label, selected: value === filters.category })),
        statuses: enumOptions(lang, 'status', PROJECT_STATUSES).map(([value, label]) => ({ value, label, selected: value === filters.status })),
        prefectures: prefectures.filter(Boolean).map((value) => ({ value, label: value, selected: value === filters.prefecture })),
        active: !!(filters.category || filters.status || filters.prefecture),
        shownText: tr(lang, 'programme.filtered', { shown: shown.length, total: overview.projects.length }),
      },
      rows,
      targets,
      targetTotals: {
        sessions: sum('sessions'),
        personTimes: sum('personTimes'),
        personTimesTarget: sumTarget('personTimesTarget'),
        uniqueFarmers: rosterCount(rostered.uniqueFarmers, rostered.sessionsWithoutRoster, lang),
        demoHouseholds: rosterCount(rostered.demoHouseholds, rostered.sessionsWithoutRoster, lang),
        demoHouseholdsTarget: sumTarget('demoHouseholdsTarget'),
      },
      outputs,
      anyOutputs: outputs.some((o) => o.count > 0),
      inspections,
      openItems,
      mayClose: !!res.locals.user && hasPermission(res.locals.user, 'manage'),
      awaiting,
      results,
      exportQuery: lang === 'en' ? '&lang=en' : '',
    });
  });

  r.get('/programmes/:id/summary', async (req, res) => {
    const lang = langOf(res);
    const overview = await service.programmeOverview(db, paramId(req, 'ProgrammeNotFound'));
    const summary = service.summarize(overview);
    const g = overview.programme;
    sendPage(res, renderer, 'programmes/summary', {
      title: `${nameIn(lang, g)} · ${tr(lang, 'programme.summary')}`,
      bodyClass: 'print-a4',
      crumbs: [
        { href: '/programmes', label: tr(lang, 'programme.list') },
        { href: `/programmes/${g.id}`, label: nameIn(lang, g) },
      ],
      programme: { ...g, displayName: nameIn(lang, g), yearText: tr(lang, 'programme.yearOf', { year: g.year }) },
      incomplete: summary.complete ? null : tr(lang, 'programme.incomplete', { shown: overview.projects.length, total: (await service.programmeProjects(db, g.id, { all: true })).projects.length }),
      sentences: summary.sentences[lang],
      asOf: today(),
      categories: CATEGORIES.map((c) => ({ label: enumLabel(lang, 'category', c), all: summary.byCategory[c], isNew: summary.newByCategory[c] })),
      statuses: [...PROJECT_STATUSES, 'none' as const].filter((s) => summary.byStatus[s] > 0).map((s) => ({ label: enumLabel(lang, 'status', s), count: summary.byStatus[s] })),
      rostered: (() => {
        const r = service.rosterTotals(overview.projects);
        return { uniqueFarmers: rosterCount(r.uniqueFarmers, r.sessionsWithoutRoster, lang), demoHouseholds: rosterCount(r.demoHouseholds, r.sessionsWithoutRoster, lang) };
      })(),
      outputs: OUTPUT_KINDS.filter((k) => summary.outputs[k] > 0).map((k) => ({ label: enumLabel(lang, 'outputKind', k), count: summary.outputs[k] })),
      summary,
    });
  });

  // Closing a rectification item: the date it was put right and how.
  mountForm(r, renderer, '/rectifications/:id/close', {
    load: async (req) => {
      const item = await getRectification(db, paramId(req, 'RectificationNotFound'));
      const project = await getProject(db, item.projectId);
      return { item, project, back: project.programmeId ? `/programmes/${project.programmeId}#inspections` : `/projects/${project.id}` };
    },
    initial: () => ({ closedOn: today() }),
    submit: async ({ item, back }, body) => {
      await closeRectification(db, item.id, parseOrThrow(CloseRectification, { closedOn: read.text(body.closedOn), note: read.text(body.note) }));
      return back;
    },
    render: ({ item, project, back }, form) => {
      const { lang } = form;
      const specs: FieldSpec[] = [
        { name: 'closedOn', label: 'programme.closedOn', type: 'date', required: true },
        { name: 'note', label: 'programme.closeNote', type: 'textarea', required: true },
      ];
      return {
        view: 'forms/generic',
        context: {
          title: tr(lang, 'programme.close'),
          heading: tr(lang, 'programme.close'),
          intro: `${nameIn(lang, project)} · ${item.item}`,
          crumbs: [{ href: back.replace(/#.*$/, ''), label: nameIn(lang, project) }],
          action: `/rectifications/${item.id}/close`,
          hidden: [],
          fields: specs.map((f) => fieldView(lang, form.values, form.errors, f)),
          submitLabel: tr(lang, 'programme.close'),
          cancelHref: back,
        },
      };
    },
  });

  return r;
}
