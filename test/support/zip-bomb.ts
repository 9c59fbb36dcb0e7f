import { crc32, deflateRawSync, createDeflateRaw } from 'node:zlib';

interface ZipEntry {
  name: string;
  data: Buffer;
  crc: number;
  size: number;
  /** Sizes left out of the local header (general-purpose bit 3), as streaming writers do. */
  sizesAfter?: boolean;
}

function u16(n: number) {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** A zip of deflated entries: local headers, data (and descriptors), central directory. */
function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const flag = e.sizesAfter ? 0x0008 : 0;
    const local = Buffer.concat([
      u32(0x04034b50), u16(20), u16(flag), u16(8), u16(0), u16(0),
      u32(e.sizesAfter ? 0 : e.crc), u32(e.sizesAfter ? 0 : e.data.length), u32(e.sizesAfter ? 0 : e.size),
      u16(name.length), u16(0), name,
    ]);
    const descriptor = e.sizesAfter ? Buffer.concat([u32(0x08074b50), u32(e.crc), u32(e.data.length), u32(e.size)]) : Buffer.alloc(0);
    central.push(Buffer.concat([
      u32(0x02014b50), u16(20), u16(20), u16(flag), u16(8), u16(0), u16(0),
      u32(e.crc), u32(e.data.length), u32(e.size), u16(name.length), u16(0), u16(0), u16(0), u16(0), u32(0), u32(offset), name,
    ]));
    parts.push(local, e.data, descriptor);
    offset += local.length + e.data.length + descriptor.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(dir.length), u32(offset), u16(0)]);
  return Buffer.concat([...parts, dir, end]);
}

function small(name: string, text: string): ZipEntry {
  const raw = Buffer.from(text);
  return { name, data: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
}

/** Deflates `repeat` copies of `chunk` without holding the inflated bytes. */
async function deflateRepeated(head: string, chunk: string, repeat: number, tail: string) {
  const z = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((r) => z.on('end', r));
  const c = Buffer.from(chunk.repeat(Math.max(1, Math.floor(65536 / chunk.length))));
  const per = Math.max(1, Math.floor(65536 / chunk.length));
  let crc = crc32(head);
  let size = Buffer.byteLength(head);
  z.write(head);
  for (let i = 0; i < repeat; i += per) {
    if (!z.write(c)) await new Promise((r) => z.once('drain', r));
    crc = crc32(c, crc);
    size += c.length;
  }
  z.end(tail);
  crc = crc32(tail, crc);
  size += Buffer.byteLength(tail);
  await done;
  return { data: Buffer.concat(out), crc, size };
}

/**
 * An XLSX whose xl/sharedStrings.xml inflates to about `inflatedMb` MB of distinct-looking
 * strings while the file stays around a thousandth of that; its sizes are left out of the
 * local header, so only reading it tells how large it is.
 */
export async function xlsxBomb(inflatedMb: number): Promise<Buffer> {
  const si = '<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>';
  const repeat = Math.ceil((inflatedMb * 1024 * 1024) / si.length);
  const shared = await deflateRepeated('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', si, repeat, '</sst>');
  return zip([
    small('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    small('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    small('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    { name: 'xl/sharedStrings.xml', ...shared, sizesAfter: true },
    small('xl/worksheets/sheet1.xml', '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'),
  ]);
}

/**
 * The smallest XLSX holding the given `<sheetData>` rows as written by hand, for cells no
 * writing library produces (a formula whose stored result is an error, `t="e"`).
 * @example minimalXlsx('<row r="1"><c r="A1" t="inlineStr"><is><t>小区</t></is></c></row>')
 */
export function minimalXlsx(rows: string): Buffer {
  return zip([
    small('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    small('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    small('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    small('xl/worksheets/sheet1.xml', `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`),
  ]);
}
