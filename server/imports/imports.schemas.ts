import { z } from 'zod';
import { PLOT_TARGETS } from './columns.js';

export const IMPORT_SHAPES = ['long', 'wide', 'fieldbook'] as const;

/**
 * A plot file's column mapping: file column (its header as written) -> plot field or
 * `ignore`. Columns it does not name keep the proposed field. Sent as JSON text in a query
 * value or a multipart field, or as an object in a JSON body.
 */
export const PlotMapping = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}, z.record(z.string().min(1).max(300), z.enum(PLOT_TARGETS)));
export type PlotMapping = z.infer<typeof PlotMapping>;

/** `?kind=&shape=&mapping=` of a trial's import; observations by default, the shape from the header. */
export const TrialImportQuery = z.object({
  kind: z.enum(['observations', 'plots']).default('observations'),
  shape: z.enum(IMPORT_SHAPES).optional(),
  mapping: PlotMapping.optional(),
});

/** The body of `POST /api/imports/:id/mapping`. */
export const RemapBody = z.object({ mapping: PlotMapping }).strict();

/** `?kind=` of a project's import: only the training ledger for now. */
export const ProjectImportQuery = z.object({
  kind: z.enum(['training']).default('training'),
});

export const ExportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('csv'),
  shape: z.enum(['long', 'wide']).default('long'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;
