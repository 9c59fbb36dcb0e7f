import type { OutputInfo } from 'sharp';

/** The longest side a stored photo keeps, in pixels; larger photos are scaled down. */
export const MAX_PHOTO_SIDE = 2048;
/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIDE = 320;
/** The largest file accepted, in bytes (10 MB). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** Formats a phone camera or a browser's canvas produce, recognised by their content. */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'heif', 'avif', 'gif', 'tiff']);

export interface ProcessedPhoto {
  contentType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  bytes: Buffer;
  thumbnail: Buffer;
}

/**
 * An uploaded image as it is stored: turned upright, at most 2048 px on its long side, as
 * WebP when it came as WebP and JPEG otherwise, with its metadata (EXIF, including the GPS
 * position) removed unless `keepLocation`; and a 320 px JPEG thumbnail without metadata.
 * Returns null when the bytes are not an image of an accepted format, whatever their name.
 */
export async function processPhoto(input: Buffer, keepLocation: boolean): Promise<ProcessedPhoto | null> {
  // sharp and libvips (about 30 MB) are loaded on the first photo, not at start.
  const { default: sharp } = await import('sharp');
  let format: string | undefined;
  try {
    format = (await sharp(input).metadata()).format;
  } catch {
    return null;
  }
  if (!format || !ACCEPTED.has(format)) return null;
  const webp = format === 'webp';
  let image = sharp(input, { failOn: 'error' })
    .rotate()
    .resize({ width: MAX_PHOTO_SIDE, height: MAX_PHOTO_SIDE, fit: 'inside', withoutEnlargement: true });
  if (keepLocation) image = image.keepExif();
  image = webp ? image.webp({ quality: 85 }) : image.jpeg({ quality: 85, mozjpeg: true });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await image.toBuffer({ resolveWithObject: true });
  } catch {
    return null;
  }
  const thumbnail = await sharp(out.data)
    .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 75 })
    .toBuffer();
  return { contentType: webp ? 'image/webp' : 'image/jpeg', width: out.info.width, height: out.info.height, bytes: out.data, thumbnail };
}
