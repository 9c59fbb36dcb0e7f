import { z } from 'zod';
import { int32, isoDate, optionalText } from '../validation.js';

const label = z.union([z.string(), z.number()], { error: 'v.string' }).transform((v) => String(v).trim()).pipe(z.string().min(1, { error: 'v.notEmpty' }));

export const ObservationInput = z
  .object({
    plot: label,
    variable: label,
    value: z.unknown().refine((v) => v !== undefined, { error: 'v.required' }),
    observedOn: isoDate.nullish(),
    /** Which reading of the variable on this plot and day; 1 unless given. */
    reading: z.number({ error: 'v.reading' }).int({ error: 'v.reading' }).min(1, { error: 'v.reading' }).max(10_000, { error: 'v.reading' }).default(1),
    notes: optionalText(2000),
    recordedBy: optionalText(100),
  })
  .strict();
export type ObservationInput = z.infer<typeof ObservationInput>;

export const ObservationList = z.array(ObservationInput).min(1, { error: 'v.emptyBatch' }).max(50_000);

export const ObservationPatch = z
  .object({
    value: z.unknown(),
    observedOn: isoDate.nullable(),
    reading: z.number({ error: 'v.reading' }).int({ error: 'v.reading' }).min(1, { error: 'v.reading' }).max(10_000, { error: 'v.reading' }),
    notes: optionalText(2000),
    recordedBy: optionalText(100),
    version: int32,
  })
  .partial()
  .strict();
export type ObservationPatch = z.infer<typeof ObservationPatch>;

export const ObservationQuery = z.object({
  plot: z.string().optional(),
  variable: z.string().optional(),
  siteId: z.coerce.number({ error: 'v.integer' }).pipe(int32.positive()).optional(),
  after: z.coerce.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});
