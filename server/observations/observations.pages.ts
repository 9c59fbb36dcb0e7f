import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { exactValue } from './observation-values.js';
import { ObservationPatch } from './observations.schemas.js';
import * as observations from './observations.service.js';
import { getPlot } from '../plots/plots.service.js';
import { getProject } from '../projects/projects.service.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOrThrow } from '../validation.js';
import { shownValue } from './entry-grid.js';
import { asText, fieldView, mountForm, read, type FieldSpec } from '../web/forms.js';
import { nameIn, tr } from '../web/labels.js';
import type { Renderer } from '../web/render.js';
import { history as auditHistory } from '../audit/audit.service.js';
import { historyView } from '../audit/audit.view.js';
import { KINDS, type KindSpec } from '../variables/kinds.js';
import { crumbs } from '../web/crumbs.js';

/** Correcting or removing one observation; every other record of the same plot and
 * variable is listed beside the form. */
export function observationPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  mountForm(r, renderer, '/observations/:id/edit', {
    load: async (req) => {
      const obs = await observations.getObservation(db, paramId(req, 'ObservationNotFound'));
      const detail = await getTrial(db, obs.trialId);
      const [project, plot, history, changes] = await Promise.all([
        getProject(db, detail.trial.projectId),
        getPlot(db, obs.plotId),
        observations.listObservations(db, obs.trialId, { plot: obs.plot, variable: obs.variable, limit: 1000 }),
        auditHistory(db, 'observation', obs.id),
      ]);
      const variable = detail.variables.find((v) => v.id === obs.variableId)!;
      return { obs, detail, project, plot, history, variable, changes };
    },
    initial: ({ obs }) => ({
      value: exactValue(obs) ?? '',
      observedOn: asText(obs.observedOn),
      recordedBy: asText(obs.recordedBy),
      notes: asText(obs.notes),
      version: String(obs.version),
    }),
    submit: async ({ obs }, body) => {
      const patch = parseOrThrow(ObservationPatch, {
        value: body.value ?? '',
        observedOn: read.patched(body.observedOn),
        recordedBy: read.patched(body.recordedBy),
        notes: read.patched(body.notes),
        version: Number(body.version),
      });
      await observations.patchObservation(db, obs.id, patch);
      return `/trials/${obs.trialId}?corrected=1&plot=${encodeURIComponent(obs.plot)}#plot-${obs.plotId}`;
    },
    render: ({ obs, detail, project, plot, history, variable, changes }, form) => {
      const { lang } = form;
      // Someone saved this observation since the form was opened: show their value beside the
      // one typed here; saving again (now against their version) keeps the typed one.
      const sentVersion = Number(form.values.version);
      const conflict =
        form.errors && Number.isInteger(sentVersion) && sentVersion !== obs.version
          ? { yours: form.values.value ?? '', theirs: exactValue(obs) ?? '', by: changes.at(-1)?.actor?.name ?? '' }
          : undefined;
      const valueSpec = valueField(KINDS[variable.kind].input, variable);
      const specs: FieldSpec[] = [
        valueSpec,
        { name: 'observedOn', label: 'entry.observedOn', type: 'date' },
        { name: 'recordedBy', label: 'entry.recordedBy' },
        { name: 'notes', label: 'entry.notes', type: 'textarea' },
      ];
      return {
        view: 'observations/edit',
        context: {
          title: tr(lang, 'obs.correct'),
          heading: tr(lang, 'obs.correct'),
          crumbs: crumbs(lang, { project, trial: detail.trial, trialHref: `/trials/${detail.trial.id}#plot-${plot.id}` }),
          plot: plot.label,
          variable: nameIn(lang, variable),
          unit: variable.unit,
          action: `/observations/${obs.id}/edit`,
          deleteAction: `/observations/${obs.id}/delete`,
          hidden: [{ name: 'version', value: conflict ? String(obs.version) : (form.values.version ?? String(obs.version)) }],
          conflict,
          reason: form.values._reason ?? '',
          auditHistory: historyView(lang, changes),
          fields: specs.map((s) => fieldView(lang, form.values, form.errors, s)),
          history: history.map((h) => ({
            id: h.id,
            value: shownValue(lang, variable, h, plot.plantedOn),
            observedOn: h.observedOn,
            recordedBy: h.recordedBy,
            notes: h.notes,
            corrected: h.version > 1,
            current: h.id === obs.id,
          })),
          cancelHref: `/trials/${detail.trial.id}#plot-${plot.id}`,
        },
      };
    },
  });

  r.post('/observations/:id/delete', async (req, res) => {
    const obs = await observations.getObservation(db, paramId(req, 'ObservationNotFound'));
    await observations.deleteObservation(db, obs.id);
    res.redirect(303, `/trials/${obs.trialId}?deleted=${obs.id}&plot=${encodeURIComponent(obs.plot)}#plot-${obs.plotId}`);
  });

  return r;
}

/** The value field of an observation's form, by the input its kind uses. */
function valueField(input: KindSpec['input'], variable: { unit: string | null; categories: string[] | null }): FieldSpec {
  const base = { name: 'value', label: 'obs.value', required: true } as const;
  switch (input) {
    case 'date':
      return { ...base, type: 'date' };
    case 'select':
      return { ...base, type: 'select', options: [['', '—'], ...(variable.categories ?? []).map((c) => [c, c] as const)] };
    case 'text':
      return { ...base, type: 'textarea' };
    case 'integer':
    case 'decimal':
      return { ...base, type: input, unit: variable.unit };
  }
}
