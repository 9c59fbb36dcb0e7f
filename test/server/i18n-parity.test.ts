import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGS, MESSAGE_KEYS, catalogueText, isMessageKey } from '../../server/i18n/i18n.js';
import { ug } from '../../server/i18n/ug.js';
import { IMPORT_HANDLERS } from '../../server/imports/import-handlers.js';
import { IMPORT_SHAPES } from '../../server/imports/imports.schemas.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? walk(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
const PREFIXES = [...new Set(MESSAGE_KEYS.map((k) => k.split('.')[0]))];

describe('message catalogues', () => {
  it('hold every key in every language, and no key that does not exist', () => {
    const missing = MESSAGE_KEYS.filter((k) => !(k in ug));
    expect(missing, 'keys missing from server/i18n/ug.ts').toEqual([]);
    expect(Object.keys(ug).filter((k) => !isMessageKey(k)), 'keys of ug.ts that no longer exist').toEqual([]);
    for (const lang of LANGS) for (const key of MESSAGE_KEYS) expect(catalogueText(lang, key).trim(), `${lang} ${key}`).not.toBe('');
  });

  it('give each key the same {placeholders} in every language', () => {
    const differ = MESSAGE_KEYS.flatMap((key) => {
      const zh = placeholders(catalogueText('zh', key)).join(',');
      return LANGS.filter((l) => placeholders(catalogueText(l, key)).join(',') !== zh).map((l) => `${l} ${key}: {${placeholders(catalogueText(l, key))}} vs zh {${zh}}`);
    });
    expect(differ).toEqual([]);
  });

  it('have every key that the templates name', () => {
    const used = walk(join(ROOT, 'views'), '.hbs').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\{\{\s*t\s+"([^"]+)"/g)].map((m) => ({ file, key: m[1] })),
    );
    expect(used.length).toBeGreaterThan(100);
    expect(used.filter((u) => !isMessageKey(u.key))).toEqual([]);
  });

  it('have every key that the server code names in a string', () => {
    // A quoted `prefix.word` whose prefix is a catalogue prefix is a key, unless it is the
    // prefix handed to keyUnder / enumLabel / enumOptions / KeysUnder (checked below).
    const keyLike = new RegExp(`['"]((?:${PREFIXES.join('|')})\\.[A-Za-z][\\w.]*)['"]`, 'g');
    const prefixArg = /(?:keyUnder\(|enumLabel\(lang, |enumOptions\(lang, |KeysUnder<)'([\w.]+)'/g;
    const unknown: string[] = [];
    for (const file of walk(join(ROOT, 'server'), '.ts')) {
      // Repositories name SQL columns by alias (`'v.id'`), not messages.
      if (file.includes('/i18n/') || file.endsWith('.repository.ts')) continue;
      const source = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      const prefixes = new Set([...source.matchAll(prefixArg)].map((m) => m[1]));
      for (const p of prefixes) if (!MESSAGE_KEYS.some((k) => k.startsWith(`${p}.`))) unknown.push(`${file}: no key under "${p}."`);
      for (const m of source.matchAll(keyLike)) {
        const key = m[1];
        if (prefixes.has(key) || isMessageKey(key)) continue;
        if (/\.(js|ts|csv|trt|hbs|xlsx|css|png|svg)$/.test(key)) continue; // file names, not keys
        unknown.push(`${file}: ${key}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  // The lists of the entities' forms are checked in web-pages.test.ts; these are the others.
  it('label every value of the import and history lists that pages look up by value', () => {
    const lists: [string, readonly string[]][] = [
      ['imp.page.kind', Object.keys(IMPORT_HANDLERS)],
      ['imp.page.shape', IMPORT_SHAPES],
      ['history.action', ['create', 'update', 'delete', 'restore', 'lock', 'unlock']],
    ];
    const missing = lists.flatMap(([prefix, values]) => values.map((v) => `${prefix}.${v}`).filter((k) => !isMessageKey(k)));
    expect(missing).toEqual([]);
  });
});
