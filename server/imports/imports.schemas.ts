import { z } from 'zod';

export const IMPORT_SHAPES = ['long', 'wide', 'fieldbook'] as const;

/** `?kind=&shape=` of a trial's import; observations by default, the shape from the header. */
export const TrialImportQuery = z.object({
  kind: z.enum(['observations', 'plots']).default('observations'),
  shape: z.enum(IMPORT_SHAPES).optional(),
});

/** `?kind=` of a project's import: only the training ledger for now. */
export const ProjectImportQuery = z.object({
  kind: z.enum(['training']).default('training'),
});

export const ExportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  shape: z.enum(['long', 'wide']).default('long'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;
