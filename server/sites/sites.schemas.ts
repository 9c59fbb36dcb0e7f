import { z } from 'zod';
import { int32, numberBetween, optionalText, text } from '../validation.js';

export const SITE_KINDS = ['greenhouse', 'production_line', 'orchard', 'field', 'other'] as const;

const fields = {
  name: text(200),
  nameEn: optionalText(200),
  county: optionalText(100),
  township: optionalText(100),
  village: optionalText(100),
  latitude: numberBetween(-90, 90).nullable(),
  longitude: numberBetween(-180, 180).nullable(),
  kind: z.enum(SITE_KINDS),
  notes: optionalText(5000),
};

export const SiteInput = z
  .object({ ...fields, latitude: fields.latitude.optional(), longitude: fields.longitude.optional(), kind: fields.kind.default('field') })
  .strict();
export type SiteInput = z.infer<typeof SiteInput>;

export const SitePatch = z.object({ ...fields, version: int32 }).partial().strict();
export type SitePatch = z.infer<typeof SitePatch>;
