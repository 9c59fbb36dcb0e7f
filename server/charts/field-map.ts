import { labelWidth } from './svg.js';

/** Which side of the drawn map something is on. */
export type Side = 'up' | 'down' | 'left' | 'right';

export interface MapPlot {
  label: string;
  arm: string;
  isControl: boolean;
  block: string | null;
  row: number;
  column: number;
}

export interface FieldMapInput {
  plots: MapPlot[];
  /** The trial's arms in order: each gets the colour of its place (the control a grey). */
  arms: { name: string; isControl: boolean }[];
  north: Side | null;
  entrance: Side | null;
  /** Words drawn on the map, in the page's language. */
  words: { north: string; entrance: string; title: string };
}

/** Light fills that stay apart in print and for colour-blind readers (Okabe–Ito, lightened). */
const FILLS = ['#f6d7a7', '#b9dcf2', '#bfe6d5', '#f3c5dc', '#f7f0a8', '#c9c3ea', '#f5c6ae', '#d8e8b0'];
const CONTROL_FILL = '#e4e4e4';

/** The fill of each arm, by name. */
export function armFills(arms: { name: string; isControl: boolean }[]): Map<string, string> {
  let i = 0;
  return new Map(arms.map((a) => [a.name, a.isControl ? CONTROL_FILL : FILLS[i++ % FILLS.length]]));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CELL_W = 96;
const CELL_H = 60;
const AXIS = 22;
/** Room on each side for the north arrow and the entrance mark. */
const EDGE = 46;

/**
 * The field map as SVG: the plots in their rows and columns (row 1 at the top), filled by arm,
 * labelled, blocks outlined with a heavy line, north and the entrance marked on their sides.
 * Sized by its viewBox so that it scales to the page (and to A4 in print).
 */
export function fieldMapSvg(input: FieldMapInput): string {
  const rows = Math.max(1, ...input.plots.map((p) => p.row));
  const columns = Math.max(1, ...input.plots.map((p) => p.column));
  const x0 = EDGE + AXIS;
  const y0 = EDGE + AXIS;
  const width = x0 + columns * CELL_W + EDGE;
  const height = y0 + rows * CELL_H + EDGE;
  const fills = armFills(input.arms);
  const at = new Map(input.plots.map((p) => [`${p.row},${p.column}`, p]));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="field-map" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(input.words.title)}" font-family="system-ui, 'Noto Sans CJK SC', sans-serif">`,
  );
  out.push(`<title>${esc(input.words.title)}</title>`);
  for (let c = 1; c <= columns; c++) out.push(`<text x="${x0 + (c - 0.5) * CELL_W}" y="${y0 - 7}" text-anchor="middle" font-size="11" fill="#5b6760">${c}</text>`);
  for (let r = 1; r <= rows; r++) out.push(`<text x="${x0 - 7}" y="${y0 + (r - 0.5) * CELL_H + 4}" text-anchor="end" font-size="11" fill="#5b6760">${r}</text>`);
  for (let r = 1; r <= rows; r++) {
    for (let c = 1; c <= columns; c++) {
      const x = x0 + (c - 1) * CELL_W;
      const y = y0 + (r - 1) * CELL_H;
      const p = at.get(`${r},${c}`);
      if (!p) {
        out.push(`<rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="#fff" stroke="#ccc" stroke-dasharray="3 3"/>`);
        continue;
      }
      const size = Math.min(14, Math.max(8, Math.floor((CELL_W - 8) / Math.max(1, labelWidth(p.label, 1)))));
      const armSize = Math.min(11, Math.max(7, Math.floor((CELL_W - 8) / Math.max(1, labelWidth(p.arm, 1)))));
      out.push(
        `<g class="plot" data-label="${esc(p.label)}"><rect x="${x}" y="${y}" width="${CELL_W}" height="${CELL_H}" fill="${fills.get(p.arm) ?? '#fff'}" stroke="#777" stroke-width="0.75"/>` +
          `<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 - 3}" text-anchor="middle" font-size="${size}" font-weight="700" fill="#1d2521">${esc(p.label)}</text>` +
          `<text x="${x + CELL_W / 2}" y="${y + CELL_H / 2 + 14}" text-anchor="middle" font-size="${armSize}" fill="#333">${esc(p.arm)}</text></g>`,
      );
    }
  }
  // Block outlines: a heavy line wherever a plot's neighbour is in another block (or none).
  const blockAt = (r: number, c: number) => at.get(`${r},${c}`)?.block ?? null;
  const edges: string[] = [];
  for (const p of input.plots) {
    if (p.block === null) continue;
    const x = x0 + (p.column - 1) * CELL_W;
    const y = y0 + (p.row - 1) * CELL_H;
    if (blockAt(p.row - 1, p.column) !== p.block) edges.push(`M${x} ${y}h${CELL_W}`);
    if (blockAt(p.row + 1, p.column) !== p.block) edges.push(`M${x} ${y + CELL_H}h${CELL_W}`);
    if (blockAt(p.row, p.column - 1) !== p.block) edges.push(`M${x} ${y}v${CELL_H}`);
    if (blockAt(p.row, p.column + 1) !== p.block) edges.push(`M${x + CELL_W} ${y}v${CELL_H}`);
  }
  if (edges.length) out.push(`<path class="block-outline" d="${edges.join('')}" fill="none" stroke="#1d2521" stroke-width="3" stroke-linecap="square"/>`);
  const gridW = columns * CELL_W;
  const gridH = rows * CELL_H;
  const mid = { x: x0 + gridW / 2, y: y0 + gridH / 2 };
  if (input.north) {
    // An arrow pointing to the north side, drawn in the corner area of that side.
    const spot = { up: [width - EDGE / 2, EDGE / 2 + 4], down: [width - EDGE / 2, height - EDGE / 2 - 4], left: [EDGE / 2, EDGE / 2 + 6], right: [width - EDGE / 2, EDGE / 2 + 6] }[input.north];
    const angle = { up: 0, right: 90, down: 180, left: 270 }[input.north];
    out.push(
      `<g class="north" transform="translate(${spot[0]} ${spot[1]})"><g transform="rotate(${angle})"><path d="M0 -17 L8 9 L0 4 L-8 9 Z" fill="#1d2521"/></g>` +
        `<text x="0" y="${input.north === 'down' ? -19 : 24}" text-anchor="middle" font-size="13" font-weight="700">${esc(input.words.north)}</text></g>`,
    );
  }
  if (input.entrance) {
    const len = Math.min(120, (input.entrance === 'up' || input.entrance === 'down' ? gridW : gridH) / 2);
    const e = input.entrance;
    const bar =
      e === 'up' ? `M${mid.x - len / 2} ${y0 - AXIS - 6}h${len}` : e === 'down' ? `M${mid.x - len / 2} ${y0 + gridH + 8}h${len}` : e === 'left' ? `M${x0 - AXIS - 6} ${mid.y - len / 2}v${len}` : `M${x0 + gridW + 8} ${mid.y - len / 2}v${len}`;
    const tx = e === 'left' ? EDGE / 2 - 4 : e === 'right' ? x0 + gridW + EDGE / 2 + 6 : mid.x;
    const ty = e === 'up' ? y0 - AXIS - 14 : e === 'down' ? y0 + gridH + 30 : mid.y + 4;
    const vertical = e === 'left' || e === 'right' ? ` transform="rotate(-90 ${tx} ${ty})"` : '';
    out.push(`<g class="entrance"><path d="${bar}" stroke="#b3261e" stroke-width="6"/><text x="${tx}" y="${ty}" text-anchor="middle" font-size="12" font-weight="700" fill="#b3261e"${vertical}>${esc(input.words.entrance)}</text></g>`);
  }
  out.push('</svg>');
  return out.join('');
}
