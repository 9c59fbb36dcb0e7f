import { z } from 'zod';
import { decimal, optionalText, text } from '../validation.js';
import { compareDecimal } from '../imports/cells.js';

import { KINDS, VARIABLE_KINDS, type KindSpec } from './kinds.js';

export { VARIABLE_KINDS };
export const AGGREGATIONS = ['sum', 'mean', 'first', 'last'] as const;

/** `name` is Chinese text, or `{zh, en}` for both languages at once. */
const name = z.union([text(200), z.object({ zh: text(200), en: text(200).optional() }).strict()], { error: 'v.string' });

export const VariableInput = z
  .object({
    code: z.string({ error: 'v.string' }).trim().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, { error: 'v.code' }),
    name,
    nameEn: optionalText(200),
    kind: z.enum(VARIABLE_KINDS),
    unit: optionalText(50),
    aggregation: z.enum(AGGREGATIONS).nullish(),
    minimum: decimal.nullish(),
    maximum: decimal.nullish(),
    categories: z.array(text(100)).min(1).max(100).nullish(),
    description: optionalText(2000),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const spec: KindSpec = KINDS[v.kind];
    if (spec.hasCategories && !v.categories?.length) issue('categories', 'v.categoriesRequired');
    if (!spec.hasCategories && v.categories?.length) issue('categories', 'v.categoriesOnlyForCategory');
    if (!spec.ranged && (v.minimum != null || v.maximum != null)) issue(v.minimum != null ? 'minimum' : 'maximum', 'v.rangeOnlyForNumbers');
    if (v.minimum != null && v.maximum != null && compareDecimal(v.minimum, v.maximum) > 0) issue('maximum', 'v.minAboveMax');
    // Categories are compared as stored (trimmed): "旺" and " 旺 " are one category.
    if (v.categories && new Set(v.categories).size !== v.categories.length) issue('categories', 'v.categoriesRepeated');
    if (v.aggregation && !spec.aggregations.includes(v.aggregation)) issue('aggregation', 'v.aggregationForKind');
  });
export type VariableInput = z.infer<typeof VariableInput>;
