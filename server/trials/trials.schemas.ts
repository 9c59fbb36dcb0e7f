import { z } from 'zod';
import { flagDuplicates, int32, optionalText, text } from '../validation.js';

export const DESIGNS = ['crd', 'paired', 'rcbd'] as const;
export const ROLES = ['treatment', 'control'] as const;

const arm = z.object({ name: text(100), role: z.enum(ROLES), description: optionalText(2000) }).strict();
const variableCode = z.string({ error: 'v.string' }).trim().min(1);

const arms = z
  .array(arm)
  .min(1)
  .max(20)
  .superRefine((list, ctx) => {
    flagDuplicates(ctx, list.map((a) => a.name), 'name');
    const controls = list.filter((a) => a.role === 'control').length;
    if (controls > 1) ctx.addIssue({ code: 'custom', path: [], message: 'v.oneControl' });
  });

const variables = z
  .array(variableCode)
  .max(100)
  .superRefine((list, ctx) => flagDuplicates(ctx, list));

const fields = {
  name: text(200),
  nameEn: optionalText(200),
  crop: text(100),
  season: optionalText(50),
  design: z.enum(DESIGNS),
  description: optionalText(5000),
  arms,
  variables,
};

export const TrialInput = z.object({ ...fields, season: fields.season, variables: variables.default([]) }).strict();
export type TrialInput = z.infer<typeof TrialInput>;

export const TrialPatch = z.object({ ...fields, version: int32 }).partial().strict();
export type TrialPatch = z.infer<typeof TrialPatch>;
