import { z } from 'zod';
import { decimal, id, int32, isoDate, optionalText, text } from '../validation.js';

/** A row or column number in the field, counted from 1. */
const fieldPosition = z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(1).max(10_000);

const fields = {
  siteId: id,
  label: text(100),
  arm: text(100),
  block: optionalText(100),
  areaM2: decimal.nullable(),
  plantedOn: isoDate.nullable(),
  row: fieldPosition.nullable(),
  column: fieldPosition.nullable(),
  notes: optionalText(5000),
};

export const PlotInput = z
  .object({
    ...fields,
    areaM2: fields.areaM2.optional(),
    plantedOn: fields.plantedOn.optional(),
    row: fields.row.optional(),
    column: fields.column.optional(),
  })
  .strict();
export type PlotInput = z.infer<typeof PlotInput>;

/** A list of plots, written all or nothing. */
export const PlotList = z.array(PlotInput).min(1, { error: 'v.emptyBatch' }).max(10_000);

export const PlotPatch = z.object({ ...fields, version: int32 }).partial().strict();
export type PlotPatch = z.infer<typeof PlotPatch>;
