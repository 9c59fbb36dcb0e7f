import { z } from 'zod';
import { flagDuplicates, id, int32, isoDate, optionalText, text } from '../validation.js';

export const TRAINING_KINDS = ['training', 'field_day', 'hands_on'] as const;

const count = int32.min(0);

const fields = {
  heldOn: isoDate,
  kind: z.enum(TRAINING_KINDS),
  topic: text(300),
  siteId: id.nullable(),
  village: optionalText(100),
  trainer: optionalText(100),
  attendance: count,
  women: count.nullable(),
  attendees: z
    .array(id)
    .max(5000)
    .nullable()
    .superRefine((list, ctx) => flagDuplicates(ctx, list ?? [])),
  notes: optionalText(5000),
};

export const TrainingSessionInput = z
  .object({ ...fields, siteId: fields.siteId.optional(), women: fields.women.optional(), attendees: fields.attendees.optional() })
  .strict();
export type TrainingSessionInput = z.infer<typeof TrainingSessionInput>;
export const TrainingSessionList = z.array(TrainingSessionInput).min(1, { error: 'v.emptyBatch' }).max(10_000);

export const TrainingSessionPatch = z.object({ ...fields, version: int32 }).partial().strict();
export type TrainingSessionPatch = z.infer<typeof TrainingSessionPatch>;
