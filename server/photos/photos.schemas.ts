import { z } from 'zod';
import { id, isoDate, optionalText } from '../validation.js';

/** The text fields that come with a photo's file in the multipart form. */
export const PhotoFields = z
  .object({
    observationId: z.union([z.literal('').transform(() => undefined), id]).optional(),
    takenOn: z.union([z.literal('').transform(() => undefined), isoDate]).optional(),
    caption: optionalText(500),
    /** "1" or "true" keeps the photo's EXIF data, including where it was taken. */
    keepLocation: z.enum(['', '0', '1', 'true', 'false'], { error: 'v.boolean' }).optional(),
  })
  .strict();
export type PhotoFields = z.infer<typeof PhotoFields>;
