import { request } from 'node:http';
import { startServer } from './server-process.js';

/**
 * `npx tsx bench/page-weight.ts`: bytes over the wire for each page of the demonstration data,
 * as a phone on a first visit would fetch them: the HTML, then the styles, scripts and icons
 * it links. Each figure is measured twice in the same run: without `Accept-Encoding`, which is
 * how every response was sent before compression (the baseline), and with
 * `Accept-Encoding: gzip, deflate, br` as browsers send it. A repeat visit fetches only the
 * HTML: the fingerprinted files are cached for a year.
 */
const PAGES = [
  '/',
  '/projects/1',
  '/trials/1',
  '/trials/2',
  '/trials/1/report',
  '/trials/2/report',
  '/projects/2/training',
  '/projects/2/farmers',
  '/projects/2/training-sessions/new',
  '/observations/1/edit',
  '/search?q=%E7%A4%BA%E8%8C%83',
];

function get(url: string, headers: Record<string, string>): Promise<{ bytes: number; body: string; encoding?: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        chunks.push(c);
      });
      res.on('end', () => resolve({ bytes, body: Buffer.concat(chunks).toString('latin1'), encoding: res.headers['content-encoding'] }));
    })
      .on('error', reject)
      .end();
  });
}

const kb = (n: number) => (n / 1024).toFixed(1);

const server = await startServer({ DEMOPLOT_DEMO: '1', DEMOPLOT_DATA_DIR: 'memory://' });
try {
  const auth = { ...server.headers, accept: 'text/html' };
  const rows: string[] = [];
  let plainTotal = 0;
  let packedTotal = 0;
  for (const path of PAGES) {
    const plain = await get(server.base + path, auth);
    const packed = await get(server.base + path, { ...auth, 'accept-encoding': 'gzip, deflate, br' });
    // The files the page links (stylesheets, scripts, icons), fetched once each.
    const links = [...new Set([...plain.body.matchAll(/(?:href|src)="(\/(?:static\/[^"]+|favicon\.ico))"/g)].map((m) => m[1]))];
    let plainFiles = 0;
    let packedFiles = 0;
    for (const link of links) {
      plainFiles += (await get(server.base + link, {})).bytes;
      packedFiles += (await get(server.base + link, { 'accept-encoding': 'gzip, deflate, br' })).bytes;
    }
    plainTotal += plain.bytes + plainFiles;
    packedTotal += packed.bytes + packedFiles;
    rows.push(`| \`${decodeURIComponent(path)}\` | ${kb(plain.bytes)} | ${kb(packed.bytes)} (${packed.encoding ?? 'none'}) | ${kb(plain.bytes + plainFiles)} | ${kb(packed.bytes + packedFiles)} | ${links.length} |`);
  }
  console.log('| page | HTML, uncompressed (KB) | HTML, compressed (KB) | first visit, uncompressed (KB) | first visit, compressed (KB) | linked files |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(r);
  console.log(`| **all pages** | | | **${kb(plainTotal)}** | **${kb(packedTotal)}** | |`);
} finally {
  await server.stop();
}
