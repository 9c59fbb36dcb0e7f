import { translate, type Lang } from '../i18n/i18n.js';

/** Rows per page of a long list (the sessions of a ledger, the farmer register). */
export const LIST_PAGE_SIZE = 50;

/** A query-string value as a trimmed string, or ''. */
export const param = (v: unknown): string => (typeof v === 'string' ? v.trim().slice(0, 100) : '');

/**
 * One page of a filtered, sorted list with its pager. `href(page)` builds the address of a
 * page with the same filters; the pager is null when everything fits on one page.
 *
 * @example pageOf(rows, '2', (n) => `/x?page=${n}`, 'en').rows.length // => up to 50
 */
export function pageOf<T>(rows: T[], asked: string, href: (page: number) => string, lang: Lang) {
  const pages = Math.max(1, Math.ceil(rows.length / LIST_PAGE_SIZE));
  const n = Number(asked);
  const page = Number.isSafeInteger(n) ? Math.min(Math.max(n, 1), pages) : 1;
  const first = (page - 1) * LIST_PAGE_SIZE;
  const shown = rows.slice(first, first + LIST_PAGE_SIZE);
  const numbers: (number | null)[] = [];
  for (let i = 1; i <= pages; i++) {
    if (i === 1 || i === pages || Math.abs(i - page) <= 2) numbers.push(i);
    else if (numbers.at(-1) !== null) numbers.push(null);
  }
  return {
    rows: shown,
    pager:
      pages > 1
        ? {
            status: translate(lang, 'list.status', { from: first + 1, to: first + shown.length, total: rows.length }),
            prev: page > 1 ? href(page - 1) : null,
            next: page < pages ? href(page + 1) : null,
            links: numbers.map((i) => (i === null ? { gap: true } : { n: i, href: href(i), current: i === page })),
          }
        : null,
  };
}

/** An address with the given query values (empty ones left out). */
export function withQuery(path: string, values: Record<string, string | number | undefined>, hash = ''): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '' && !(k === 'page' && String(v) === '1')) q.set(k, String(v));
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}${hash}`;
}

/** Contains, ignoring case, for the text filter. */
export const matches = (needle: string, ...hay: (string | null | undefined)[]) => {
  const n = needle.toLowerCase();
  return hay.some((h) => h != null && h.toLowerCase().includes(n));
};
