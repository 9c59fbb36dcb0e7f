import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AGGREGATIONS, VARIABLE_KINDS, VariableInput } from './variables.schemas.js';
import { createVariable } from './variables.service.js';
import { parseOrThrow } from '../validation.js';
import { localPath, mountForm, read, recordForm, type FieldSpec } from '../web/forms.js';
import { enumOptions, tr } from '../web/labels.js';
import type { Renderer } from '../web/render.js';
import { KINDS } from './kinds.js';
import { crumbs } from '../web/crumbs.js';

/** A new variable for the shared catalogue, then back to the form that asked for it. */
export function variablePages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();
  mountForm(r, renderer, '/variables/new', {
    load: async (req) => ({ back: localPath(req.query.back, '/') }),
    initial: () => ({ kind: 'number' }),
    submit: async ({ back }, body) => {
      const categories = read.lines(body.categories);
      await createVariable(
        db,
        parseOrThrow(VariableInput, {
          code: read.text(body.code),
          name: read.text(body.name),
          nameEn: read.optional(body.nameEn),
          kind: read.text(body.kind),
          unit: read.optional(body.unit),
          aggregation: read.optional(body.aggregation),
          minimum: read.optional(body.minimum),
          maximum: read.optional(body.maximum),
          categories: categories.length ? categories : null,
          description: read.optional(body.description),
        }),
      );
      return back;
    },
    rename: (path) => (path.startsWith('categories') ? 'categories' : path || undefined),
    render: ({ back }, form) => {
      const { lang } = form;
      const specs: FieldSpec[] = [
        { name: 'code', label: 'variable.code', required: true, hint: 'variable.codeHint' },
        { name: 'name', label: 'variable.name', required: true },
        { name: 'nameEn', label: 'variable.nameEn' },
        { name: 'kind', label: 'variable.kind', type: 'select', options: VARIABLE_KINDS.map((k) => [k, tr(lang, KINDS[k].label)] as const) },
        { name: 'unit', label: 'variable.unit' },
        { name: 'aggregation', label: 'variable.aggregation', type: 'select', options: enumOptions(lang, 'aggregation', AGGREGATIONS, 'aggregation.default'), hint: 'variable.aggregationHint' },
        { name: 'minimum', label: 'variable.minimum', type: 'decimal' },
        { name: 'maximum', label: 'variable.maximum', type: 'decimal' },
        { name: 'categories', label: 'variable.categories', type: 'textarea', hint: 'variable.categoriesHint' },
        { name: 'description', label: 'variable.description', type: 'textarea' },
      ];
      return {
        view: 'forms/generic',
        context: {
          ...recordForm(form, 'variable.new', null, specs),
          intro: tr(lang, 'variable.intro'),
          crumbs: crumbs(lang, {}),
          action: `/variables/new?back=${encodeURIComponent(back)}`,
          cancelHref: back,
        },
      };
    },
  });
  return r;
}
