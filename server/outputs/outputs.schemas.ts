import { z } from 'zod';
import { OUTPUT_KINDS } from '../../analysis/programme-summary.js';
import { isoDate, optionalText, text } from '../validation.js';

export { OUTPUT_KINDS };

/**
 * Something a project produced. `number` is its official number (a patent's), `count` how
 * many were handed out (extension material: manuals, wall charts, videos).
 */
export const OutputInput = z
  .object({
    kind: z.enum(OUTPUT_KINDS),
    title: text(500),
    date: isoDate.nullish(),
    number: optionalText(100),
    count: z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).max(100_000_000).nullish(),
    notes: optionalText(5000),
  })
  .strict();
export type OutputInput = z.infer<typeof OutputInput>;
