import { z } from 'zod';
import { LAYOUT_DESIGNS, MAX_SEED } from '../../analysis/layout-design.js';
import { decimal, id, isoDate, text } from '../validation.js';

export const FIELD_SIDES = ['up', 'down', 'left', 'right'] as const;
export const DEFAULT_LABEL_PATTERN = '{site}-{block}-{n}';

const count = (max: number) => z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(1).max(max);
const seed = z.number({ error: 'v.integer' }).int({ error: 'v.integer' }).min(0).max(MAX_SEED);
const side = z.enum(FIELD_SIDES).nullable().optional();

/** What the designer asks for: `POST /api/trials/:id/layouts`. */
export const LayoutInput = z
  .object({
    siteId: id,
    design: z.enum(LAYOUT_DESIGNS),
    /** Blocks (rcbd) or pairs (paired). */
    blocks: count(1000).optional(),
    /** Plots of each arm (crd). */
    plotsPerArm: count(1000).optional(),
    rows: count(100),
    columns: count(100),
    serpentine: z.boolean({ error: 'v.boolean' }).default(false),
    labelPattern: text(100).default(DEFAULT_LABEL_PATTERN),
    plotArea: decimal.nullable().optional(),
    plantedOn: isoDate.nullable().optional(),
    seed: seed.optional(),
    north: side,
    entrance: side,
  })
  .strict();
export type LayoutInput = z.infer<typeof LayoutInput>;

/** `POST /api/layouts/:id/rerandomise`: a new seed, or one drawn at random. */
export const RerandomiseInput = z.object({ seed: seed.optional() }).strict();
