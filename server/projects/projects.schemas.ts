import { z } from 'zod';
import { decimal, int32, isoDate, optionalText, text } from '../validation.js';

export const PROJECT_CATEGORIES = ['prefecture', 'poor_county', 'industrialisation', 'other'] as const;
export const PROJECT_STATUSES = ['proposed', 'approved', 'in_progress', 'awaiting_acceptance', 'accepted', 'rectifying'] as const;

const targets = z
  .object({
    personTimes: int32.min(0).nullish(),
    demoHouseholds: int32.min(0).nullish(),
  })
  .strict();

const fields = {
  code: z.string({ error: 'v.string' }).trim().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, { error: 'v.code' }),
  name: text(200),
  nameEn: optionalText(200),
  category: z.enum(PROJECT_CATEGORIES).nullable(),
  leadOrganisation: optionalText(200),
  partnerOrganisations: z.array(text(200)).max(50),
  startsOn: isoDate.nullable(),
  endsOn: isoDate.nullable(),
  targets,
  description: optionalText(5000),
  programmeId: int32.positive().nullable(),
  newThisYear: z.boolean({ error: 'v.boolean' }),
  prefecture: optionalText(100),
  county: optionalText(100),
  povertyCounty: z.boolean({ error: 'v.boolean' }),
  supportingProvince: optionalText(100),
  budget: decimal.refine((v) => !v.startsWith('-') || Number(v) === 0, { error: 'v.notNegative' }).nullable(),
  status: z.enum(PROJECT_STATUSES).nullable(),
};

const checkDates = (v: { startsOn?: string | null; endsOn?: string | null }, ctx: z.RefinementCtx) => {
  if (v.startsOn && v.endsOn && v.endsOn < v.startsOn) {
    ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'v.endBeforeStart' });
  }
};

export const ProjectInput = z
  .object({
    ...fields,
    code: fields.code.optional(),
    nameEn: fields.nameEn,
    category: fields.category.optional(),
    programmeId: fields.programmeId.optional(),
    newThisYear: fields.newThisYear.optional(),
    povertyCounty: fields.povertyCounty.optional(),
    budget: fields.budget.optional(),
    status: fields.status.optional(),
    partnerOrganisations: fields.partnerOrganisations.optional(),
    startsOn: fields.startsOn.optional(),
    endsOn: fields.endsOn.optional(),
    targets: targets.optional(),
  })
  .strict()
  .superRefine(checkDates);
export type ProjectInput = z.infer<typeof ProjectInput>;

export const ProjectPatch = z
  .object({ ...fields, version: int32.optional() })
  .partial()
  .strict()
  .superRefine(checkDates);
export type ProjectPatch = z.infer<typeof ProjectPatch>;
