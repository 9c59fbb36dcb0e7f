import { z } from 'zod';
import { int32, optionalText, text } from '../validation.js';

const fields = {
  name: text(100),
  village: optionalText(100),
  household: optionalText(100),
  gender: z.enum(['female', 'male']).nullable(),
  demoHousehold: z.boolean({ error: 'v.boolean' }),
  phone: optionalText(50),
  notes: optionalText(2000),
};

export const FarmerInput = z
  .object({ ...fields, gender: fields.gender.optional(), demoHousehold: fields.demoHousehold.default(false) })
  .strict();
export type FarmerInput = z.infer<typeof FarmerInput>;
export const FarmerList = z.array(FarmerInput).min(1, { error: 'v.emptyBatch' }).max(10_000);

export const FarmerPatch = z.object({ ...fields, version: int32 }).partial().strict();
export type FarmerPatch = z.infer<typeof FarmerPatch>;
