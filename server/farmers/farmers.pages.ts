import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database, FarmerRow, ProjectRow } from '../../db/database.js';
import { paramId } from '../http.js';
import type { MessageKey } from '../i18n/i18n.js';
import { getProject } from '../projects/projects.service.js';
import * as training from '../training/training.service.js';
import { parseOrThrow } from '../validation.js';
import { asText, mountForm, readFields, recordForm, type FieldSpec, type FormBody, type FormState } from '../web/forms.js';
import { enumLabel, enumOptions, langOf, nameIn, tr } from '../web/labels.js';
import { matches, pageOf, param, withQuery } from '../web/list-page.js';
import { sendPage, type Renderer } from '../web/render.js';
import { FarmerInput, FarmerPatch } from './farmers.schemas.js';
import * as farmers from './farmers.service.js';
import { crumbs } from '../web/crumbs.js';

/** The farmer register of a project: the list (filtered, sorted, 50 a page) and its forms. */
export function farmerPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  mountForm(r, renderer, '/projects/:id/farmers/new', {
    load: async (req) => ({ project: await getProject(db, paramId(req, 'ProjectNotFound')), farmer: null }),
    initial: () => ({}),
    submit: async ({ project }, body) => {
      await farmers.createFarmers(db, project.id, [parseOrThrow(FarmerInput, farmerFields(body))]);
      return body.next === 'another' ? `/projects/${project.id}/farmers/new?village=${encodeURIComponent(body.village ?? '')}` : `/projects/${project.id}/farmers`;
    },
    render: (c, form) => farmerForm(form, c),
  });

  mountForm(r, renderer, '/farmers/:id/edit', {
    load: async (req) => {
      const farmer = await farmers.getFarmer(db, paramId(req, 'FarmerNotFound'));
      return { project: await getProject(db, farmer.projectId), farmer };
    },
    initial: ({ farmer: f }) => ({
      name: f!.name,
      gender: asText(f!.gender),
      village: asText(f!.village),
      household: asText(f!.household),
      demoHousehold: f!.demoHousehold ? '1' : '',
      phone: asText(f!.phone),
      notes: asText(f!.notes),
      version: String(f!.version),
    }),
    submit: async ({ farmer }, body) => {
      await farmers.patchFarmer(db, farmer!.id, parseOrThrow(FarmerPatch, { ...farmerFields(body), version: Number(body.version) }));
      return `/projects/${farmer!.projectId}/farmers`;
    },
    render: (c, form) => farmerForm(form, c),
  });

  r.get('/projects/:id/farmers', async (req, res) => {
    const lang = langOf(res);
    const project = await getProject(db, paramId(req, 'ProjectNotFound'));
    const [rows, sessions] = await Promise.all([farmers.listFarmers(db, project.id), training.listSessions(db, project.id)]);
    const attended = new Map<number, number>();
    for (const s of sessions) for (const f of s.attendees ?? []) attended.set(f, (attended.get(f) ?? 0) + 1);
    // Filtered by village and text, sorted by village then household unless asked otherwise, 50 a page.
    const filter = { village: param(req.query.village), q: param(req.query.q), sort: param(req.query.sort) };
    const villages = [...new Set(rows.map((f) => f.village).filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b, 'zh'));
    const SORTS: Record<string, (a: FarmerRow, b: FarmerRow) => number> = {
      village: (a, b) => (a.village ?? '').localeCompare(b.village ?? '', 'zh') || (a.household ?? '').localeCompare(b.household ?? '', 'zh', { numeric: true }) || a.id - b.id,
      name: (a, b) => a.name.localeCompare(b.name, 'zh') || a.id - b.id,
      number: (a, b) => a.id - b.id,
      sessions: (a, b) => (attended.get(b.id) ?? 0) - (attended.get(a.id) ?? 0) || a.id - b.id,
    };
    const sort = filter.sort in SORTS ? filter.sort : 'village';
    const chosen = rows
      .filter((f) => !filter.village || f.village === filter.village)
      .filter((f) => !filter.q || matches(filter.q.replace(/^#/, ''), f.name, f.village, f.household, String(f.id)))
      .sort(SORTS[sort]);
    const base = `/projects/${project.id}/farmers`;
    const paged = pageOf(chosen, param(req.query.page), (n) => withQuery(base, { ...filter, page: n }), lang);
    sendPage(res, renderer, 'farmers/index', {
      filter,
      filtered: !!(filter.village || filter.q),
      clearHref: base,
      villageOptions: villages.map((v) => ({ value: v, label: v, selected: v === filter.village })),
      sortOptions: Object.keys(SORTS).map((k) => ({ value: k, label: tr(lang, `list.sort.${k}` as MessageKey), selected: k === sort })),
      pager: paged.pager,
      shownCount: chosen.length,
      title: `${tr(lang, 'farmer.list')} · ${nameIn(lang, project)}`,
      crumbs: crumbs(lang, { project }),
      project: { id: project.id, name: nameIn(lang, project) },
      count: rows.length,
      demoCount: rows.filter((f) => f.demoHousehold).length,
      womenCount: rows.filter((f) => f.gender === 'female').length,
      farmers: paged.rows.map((f) => ({
        id: f.id,
        number: `#${f.id}`,
        name: f.name,
        gender: enumLabel(lang, 'gender', f.gender),
        village: f.village,
        household: f.household,
        demoHousehold: f.demoHousehold,
        phone: f.phone,
        sessions: attended.get(f.id) ?? 0,
      })),
    });
  });

  return r;
}

function farmerFields(b: FormBody) {
  return readFields(b, { name: 'text', gender: 'optional', village: 'optional', household: 'optional', demoHousehold: 'checkbox', phone: 'optional', notes: 'optional' });
}

function farmerForm(form: FormState, { project, farmer }: { project: ProjectRow; farmer: FarmerRow | null }) {
  const { lang } = form;
  const values = { ...form.values };
  if (!farmer && values.village === undefined && typeof form.req.query.village === 'string') values.village = form.req.query.village;
  const specs: FieldSpec[] = [
    { name: 'name', label: 'farmer.name', required: true },
    { name: 'gender', label: 'farmer.gender', type: 'select', options: enumOptions(lang, 'gender', ['female', 'male'], 'gender.unknown') },
    { name: 'village', label: 'farmer.village' },
    { name: 'household', label: 'farmer.household', hint: 'farmer.householdHint' },
    { name: 'demoHousehold', label: 'farmer.demoHousehold', type: 'checkbox' },
    { name: 'phone', label: 'farmer.phone', type: 'tel' },
    { name: 'notes', label: 'farmer.notes', type: 'textarea' },
  ];
  return {
    view: 'farmers/form',
    context: {
      ...recordForm(form, farmer ? 'farmer.edit' : 'farmer.new', farmer, specs, values),
      crumbs: crumbs(lang, { project }, { href: `/projects/${project.id}/farmers`, label: tr(lang, 'farmer.list') }),
      action: farmer ? `/farmers/${farmer.id}/edit` : `/projects/${project.id}/farmers/new`,
      isNew: !farmer,
      cancelHref: `/projects/${project.id}/farmers`,
    },
  };
}
