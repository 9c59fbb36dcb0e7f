import { z } from 'zod';
import { int32, isoDate, text } from '../validation.js';

const Rectification = z.object({ item: text(2000), dueOn: isoDate.nullish() }).strict();

/** An acceptance inspection: the experts who went, what they found, what must be put right. */
export const InspectionInput = z
  .object({
    date: isoDate,
    experts: z.array(text(100), { error: 'v.array' }).min(1).max(50),
    findings: text(10000),
    rectifications: z.array(Rectification, { error: 'v.array' }).max(200).optional(),
  })
  .strict();
export type InspectionInput = z.infer<typeof InspectionInput>;

/** Closing a rectification item: when it was put right and how. */
export const CloseRectification = z
  .object({ closedOn: isoDate, note: text(2000), version: int32.optional() })
  .strict();
export type CloseRectification = z.infer<typeof CloseRectification>;

