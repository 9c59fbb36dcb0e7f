import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database, ProgrammeRow, ProjectRow, SiteRow } from '../../db/database.js';
import type { Lang } from '../i18n/i18n.js';
import { getProgramme, listProgrammes } from '../programmes/programmes.service.js';
import { paramId } from '../http.js';
import { PROJECT_CATEGORIES, PROJECT_STATUSES, ProjectInput, ProjectPatch } from './projects.schemas.js';
import * as projects from './projects.service.js';
import { SITE_KINDS, SiteInput, SitePatch } from '../sites/sites.schemas.js';
import * as sites from '../sites/sites.service.js';
import { listTrials } from '../trials/trials.service.js';
import { parseOrThrow } from '../validation.js';
import { asText, mountForm, read, readFields, recordForm, type FieldSpec, type FormBody, type FormState } from '../web/forms.js';
import { enumLabel, enumOptions, langOf, listOf, nameIn, otherName, period } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import { projectTraining, trialCards } from '../web/summaries.js';
import { crumbs } from '../web/crumbs.js';

/** Project pages: the overview of one project, its create and edit forms, and its sites. */
export function projectPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  mountForm(r, renderer, '/projects/new', {
    load: async () => listProgrammes(db),
    initial: () => ({}),
    submit: async (_c, body) => {
      const code = read.optional(body.code);
      const input = parseOrThrow(ProjectInput, { ...projectFields(body), ...(code ? { code } : {}) });
      return `/projects/${(await projects.createProject(db, input)).id}`;
    },
    rename: projectRename,
    render: (programmes, form) => projectForm(form, null, programmes),
  });

  mountForm(r, renderer, '/projects/:id/edit', {
    load: async (req) => ({ p: await projects.getProject(db, paramId(req, 'ProjectNotFound')), programmes: await listProgrammes(db) }),
    initial: ({ p }) => projectValues(p),
    submit: async ({ p }, body) => {
      const code = read.optional(body.code);
      const patch = parseOrThrow(ProjectPatch, { ...projectFields(body), ...(code ? { code } : {}), version: Number(body.version) });
      await projects.patchProject(db, p.id, patch);
      return `/projects/${p.id}`;
    },
    rename: projectRename,
    render: ({ p, programmes }, form) => projectForm(form, p, programmes),
  });

  mountForm(r, renderer, '/projects/:id/sites/new', {
    load: async (req) => projects.getProject(db, paramId(req, 'ProjectNotFound')),
    initial: () => ({ kind: 'greenhouse' }),
    submit: async (p, body) => {
      await sites.createSite(db, p.id, parseOrThrow(SiteInput, siteFields(body)));
      return `/projects/${p.id}#sites`;
    },
    render: (p, form) => siteForm(form, p, null),
  });

  mountForm(r, renderer, '/sites/:id/edit', {
    load: async (req) => {
      const site = await sites.getSite(db, paramId(req, 'SiteNotFound'));
      return { site, project: await projects.getProject(db, site.projectId) };
    },
    initial: ({ site }) => siteValues(site),
    submit: async ({ site }, body) => {
      await sites.patchSite(db, site.id, parseOrThrow(SitePatch, { ...siteFields(body), version: Number(body.version) }));
      return `/projects/${site.projectId}#sites`;
    },
    render: ({ site, project }, form) => siteForm(form, project, site),
  });

  r.get('/projects/:id', async (req, res) => {
    const lang = langOf(res);
    const p = projects.projectDto(await projects.getProject(db, paramId(req, 'ProjectNotFound')));
    const [siteRows, trials, training] = await Promise.all([sites.listSites(db, p.id), listTrials(db, p.id), projectTraining(db, p.id, lang)]);
    const programme = p.programmeId ? await getProgramme(db, p.programmeId) : null;
    sendPage(res, renderer, 'projects/show', {
      title: nameIn(lang, p),
      crumbs: crumbs(lang, {}),
      project: {
        ...p,
        displayName: nameIn(lang, p),
        otherName: otherName(lang, p),
        period: period(p.startsOn, p.endsOn),
        partners: listOf(lang, p.partnerOrganisations),
        category: enumLabel(lang, 'category', p.category),
        statusLabel: enumLabel(lang, 'status', p.status),
        programme: programme ? { id: programme.id, name: nameIn(lang, programme) } : null,
      },
      sites: siteRows.map((s) => ({
        id: s.id,
        name: nameIn(lang, s),
        otherName: otherName(lang, s),
        place: listOf(lang, [s.county, s.township, s.village], ' · '),
        kind: enumLabel(lang, 'siteKind', s.kind),
      })),
      trials: await trialCards(db, trials, lang),
      training,
      targets: p.targets,
    });
  });

  return r;
}

// ---- Projects ------------------------------------------------------------------------------

function projectFields(b: FormBody) {
  return {
    name: read.text(b.name),
    nameEn: read.optional(b.nameEn),
    category: read.optional(b.category),
    programmeId: read.integer(b.programmeId),
    newThisYear: read.checkbox(b.newThisYear),
    prefecture: read.optional(b.prefecture),
    county: read.optional(b.county),
    povertyCounty: read.checkbox(b.povertyCounty),
    supportingProvince: read.optional(b.supportingProvince),
    budget: read.optional(b.budget),
    status: read.optional(b.status),
    leadOrganisation: read.optional(b.leadOrganisation),
    partnerOrganisations: read.lines(b.partnerOrganisations),
    startsOn: read.optional(b.startsOn),
    endsOn: read.optional(b.endsOn),
    targets: { personTimes: read.integer(b['targets.personTimes']), demoHouseholds: read.integer(b['targets.demoHouseholds']) },
    description: read.optional(b.description),
  };
}

function projectRename(path: string): string | undefined {
  if (path.startsWith('partnerOrganisations')) return 'partnerOrganisations';
  return path || undefined;
}

function projectValues(p: ProjectRow): FormBody {
  return {
    code: p.code,
    name: p.name,
    nameEn: asText(p.nameEn),
    category: asText(p.category),
    programmeId: asText(p.programmeId),
    newThisYear: p.newThisYear ? '1' : '',
    prefecture: asText(p.prefecture),
    county: asText(p.county),
    povertyCounty: p.povertyCounty ? '1' : '',
    supportingProvince: asText(p.supportingProvince),
    budget: asText(p.budget),
    status: asText(p.status),
    leadOrganisation: asText(p.leadOrganisation),
    partnerOrganisations: p.partnerOrganisations.join('\n'),
    startsOn: asText(p.startsOn),
    endsOn: asText(p.endsOn),
    'targets.personTimes': asText(p.targetPersonTimes),
    'targets.demoHouseholds': asText(p.targetDemoHouseholds),
    description: asText(p.description),
    version: String(p.version),
  };
}

const projectFieldSpecs = (lang: Lang, programmes: ProgrammeRow[]): FieldSpec[] => [
  { name: 'name', label: 'project.name', required: true, wide: true },
  { name: 'nameEn', label: 'project.nameEn', wide: true },
  { name: 'code', label: 'project.code', hint: 'project.codeHint' },
  { name: 'programmeId', label: 'programme.partOf', type: 'select', options: [['', '—'], ...programmes.map((g) => [String(g.id), nameIn(lang, g)] as const)] },
  { name: 'category', label: 'project.category', type: 'select', options: enumOptions(lang, 'category', PROJECT_CATEGORIES, 'status.none') },
  { name: 'status', label: 'programme.status', type: 'select', options: enumOptions(lang, 'status', PROJECT_STATUSES, 'status.none') },
  { name: 'newThisYear', label: 'programme.newThisYear', type: 'checkbox' },
  { name: 'prefecture', label: 'programme.prefecture' },
  { name: 'county', label: 'programme.county' },
  { name: 'povertyCounty', label: 'programme.povertyCounty', type: 'checkbox' },
  { name: 'supportingProvince', label: 'programme.supportingProvince' },
  { name: 'budget', label: 'programme.budget', type: 'decimal' },
  { name: 'leadOrganisation', label: 'project.leadOrganisation' },
  { name: 'partnerOrganisations', label: 'project.partners', type: 'textarea', hint: 'form.onePerLine' },
  { name: 'startsOn', label: 'project.startsOn', type: 'date' },
  { name: 'endsOn', label: 'project.endsOn', type: 'date' },
  { name: 'targets.personTimes', label: 'project.targetPersonTimes', type: 'integer', hint: 'project.targetPersonTimesHint' },
  { name: 'targets.demoHouseholds', label: 'project.targetDemoHouseholds', type: 'integer' },
  { name: 'description', label: 'project.description', type: 'textarea' },
];

function projectForm(form: FormState, p: ProjectRow | null, programmes: ProgrammeRow[]) {
  const { lang } = form;
  return {
    view: 'forms/generic',
    context: {
      ...recordForm(form, p ? 'project.edit' : 'project.new', p && { version: p.version, name: nameIn(lang, p) }, projectFieldSpecs(lang, programmes)),
      crumbs: crumbs(lang, { project: p ?? undefined }),
      action: p ? `/projects/${p.id}/edit` : '/projects/new',
      cancelHref: p ? `/projects/${p.id}` : '/',
    },
  };
}

// ---- Sites ---------------------------------------------------------------------------------

function siteFields(b: FormBody) {
  return readFields(b, { name: 'text', nameEn: 'optional', kind: 'text', county: 'optional', township: 'optional', village: 'optional', latitude: 'number', longitude: 'number', notes: 'optional' });
}

function siteValues(s: SiteRow): FormBody {
  return {
    name: s.name,
    nameEn: asText(s.nameEn),
    kind: s.kind,
    county: asText(s.county),
    township: asText(s.township),
    village: asText(s.village),
    latitude: asText(s.latitude === null ? null : Number(s.latitude)),
    longitude: asText(s.longitude === null ? null : Number(s.longitude)),
    notes: asText(s.notes),
    version: String(s.version),
  };
}

function siteForm(form: FormState, p: ProjectRow, s: SiteRow | null) {
  const { lang } = form;
  const specs: FieldSpec[] = [
    { name: 'name', label: 'site.name', required: true },
    { name: 'nameEn', label: 'site.nameEn' },
    { name: 'kind', label: 'site.kind', type: 'select', options: enumOptions(lang, 'siteKind', SITE_KINDS) },
    { name: 'county', label: 'site.county' },
    { name: 'township', label: 'site.township' },
    { name: 'village', label: 'site.village' },
    { name: 'latitude', label: 'site.latitude', type: 'decimal' },
    { name: 'longitude', label: 'site.longitude', type: 'decimal' },
    { name: 'notes', label: 'site.notes', type: 'textarea' },
  ];
  return {
    view: 'forms/generic',
    context: {
      ...recordForm(form, s ? 'site.edit' : 'site.new', s && { version: s.version, name: nameIn(lang, s) }, specs),
      crumbs: crumbs(lang, { project: p }),
      action: s ? `/sites/${s.id}/edit` : `/projects/${p.id}/sites/new`,
      cancelHref: `/projects/${p.id}#sites`,
    },
  };
}

