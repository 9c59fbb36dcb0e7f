import { z } from 'zod';
import { optionalText, text } from '../validation.js';

export const ProgrammeInput = z
  .object({
    name: text(200),
    nameEn: optionalText(200),
    year: z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(1900).max(2200),
  })
  .strict();
export type ProgrammeInput = z.infer<typeof ProgrammeInput>;

export const ProgrammeExportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });
