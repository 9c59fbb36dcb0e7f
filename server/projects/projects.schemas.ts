import { z } from 'zod';
import { isoDate, optionalText, text } from '../validation.js';

const targets = z
  .object({
    personTimes: z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).nullish(),
    demoHouseholds: z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).nullish(),
  })
  .strict();

const fields = {
  code: z.string({ error: 'v.string' }).trim().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, { error: 'v.code' }),
  name: text(200),
  nameEn: optionalText(200),
  category: optionalText(100),
  leadOrganisation: optionalText(200),
  partnerOrganisations: z.array(text(200)).max(50),
  startsOn: isoDate.nullable(),
  endsOn: isoDate.nullable(),
  targets,
  description: optionalText(5000),
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
    partnerOrganisations: fields.partnerOrganisations.optional(),
    startsOn: fields.startsOn.optional(),
    endsOn: fields.endsOn.optional(),
    targets: targets.optional(),
  })
  .strict()
  .superRefine(checkDates);
export type ProjectInput = z.infer<typeof ProjectInput>;

export const ProjectPatch = z
  .object({ ...fields, version: z.number().int().optional() })
  .partial()
  .strict()
  .superRefine(checkDates);
export type ProjectPatch = z.infer<typeof ProjectPatch>;
