import type { Request } from 'express';

/**
 * What a printed plot label links to: the trial's entry page at that plot,
 * `<base>/trials/<id>?plot=<label>`, where the base is DEMOPLOT_PUBLIC_URL or else the
 * request's own origin. Field Book's barcode column holds the same text, so scanning a label
 * in Field Book finds the plot.
 */
export function publicBase(req: Request): string {
  const configured = req.app.locals.publicUrl as string | undefined;
  return configured ?? `${req.protocol}://${req.get('host')}`;
}

/** @example plotUrl('https://demoplot.example', 3, 'A-1-01') // => 'https://demoplot.example/trials/3?plot=A-1-01' */
export function plotUrl(base: string, trialId: number, label: string): string {
  return `${base}/trials/${trialId}?plot=${encodeURIComponent(label)}`;
}

/** The QR code of a text as an SVG element (error correction M, no quiet zone: the label has one). */
export async function qrSvg(text: string): Promise<string> {
  // Loaded on the first label sheet rather than at start (about 10 MB).
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 0 });
  return svg.replace('<svg ', '<svg class="qr" aria-hidden="true" ');
}

export type LabelPaper = '3x8' | '2x7';

/** A4 label sheets as sold (millimetres): columns × rows of labels, the sheet's margins and gaps. */
export interface PaperSpec {
  columns: number;
  rows: number;
  width: number;
  height: number;
  top: number;
  left: number;
  gapX: number;
  gapY: number;
}

export const LABEL_PAPERS: Record<LabelPaper, PaperSpec> = {
  /** 24 labels of 70 × 37 mm, edge to edge (e.g. Avery 3474). */
  '3x8': { columns: 3, rows: 8, width: 70, height: 37, top: 0.5, left: 0, gapX: 0, gapY: 0 },
  /** 14 labels of 99.1 × 38.1 mm (e.g. Avery L7163). */
  '2x7': { columns: 2, rows: 7, width: 99.1, height: 38.1, top: 15.15, left: 4.65, gapX: 2.5, gapY: 0 },
};
export const LABEL_PAPER_NAMES = Object.keys(LABEL_PAPERS) as LabelPaper[];
