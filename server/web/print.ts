import { translate, type Lang } from '../i18n/i18n.js';

/** A CSS string literal: quotes, backslashes and line breaks escaped, `<` too (it sits in a <style>). */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
}

/**
 * The running header and footer of a printed page as CSS `@page` margin boxes: the trial and
 * project names at the top, "page N / M" and the print date at the bottom. Names are escaped
 * into CSS strings, so the rule is safe to inline in a <style>.
 *
 * @example printMargins('en', { top: 'Trial · Project', printedOn: '2026-12-01' })
 * // => '@page { @top-left { content: "Trial · Project"; } @bottom-left { content: "Printed 2026-12-01"; } @bottom-right { content: "Page " counter(page) " of " counter(pages); } }'
 */
export function printMargins(lang: Lang, o: { top: string; printedOn: string }): string {
  const page = translate(lang, 'print.pageOf', { page: '\u0000page\u0000', pages: '\u0000pages\u0000' });
  const parts = page.split('\u0000').map((p, i) => (i % 2 === 1 ? `counter(${p})` : p ? cssString(p) : '')).filter(Boolean);
  return [
    '@page {',
    `@top-left { content: ${cssString(o.top)}; }`,
    `@bottom-left { content: ${cssString(translate(lang, 'print.printedOn', { date: o.printedOn }))}; }`,
    `@bottom-right { content: ${parts.join(' ')}; }`,
    '}',
  ].join(' ');
}
