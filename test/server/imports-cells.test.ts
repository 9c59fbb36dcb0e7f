import { describe, expect, it } from 'vitest';
import { columnLetter, compareDecimal, excelSerialDay, fitsInDouble, readDate, readDecimal, sameDecimal, shiftDecimal, significantDigits, spreadsheetNumber } from '../../server/imports/cells.js';
import { dateColumnBase, headerKey, stripRepeat } from '../../server/imports/columns.js';

describe('reading dates from sheet cells', () => {
  it.each([
    ['2017-04-02', '2017-04-02'],
    ['2017/4/2', '2017-04-02'],
    ['2017.4.2', '2017-04-02'],
    ['2017年4月2日', '2017-04-02'],
    ['2017 年 4 月 2 日', '2017-04-02'],
    ['２０１７年４月２日', '2017-04-02'],
    ['2017/4/2 0:00', '2017-04-02'],
    ['2017-04-22 10:31:05-0700', '2017-04-22'],
    ['2017-04-22T23:10:00+08:00', '2017-04-22'],
    ['42827', '2017-04-02'],
  ])('reads %s as %s', (text, iso) => {
    expect(readDate(text)).toEqual({ ok: true, value: iso });
  });

  it('reads Excel date cells and serial numbers as the calendar day', () => {
    expect(readDate(new Date('2017-04-02T00:00:00Z'))).toEqual({ ok: true, value: '2017-04-02' });
    expect(readDate(42827)).toEqual({ ok: true, value: '2017-04-02' });
    expect(readDate(42827.75)).toEqual({ ok: true, value: '2017-04-02' });
    expect(excelSerialDay(61)).toBe('1900-03-01');
  });

  it('refuses a date whose time of day is not a real one, rather than reading the day', () => {
    expect(readDate('2026-5-4T25:99')).toMatchObject({ ok: false, key: 'imp.badDate' });
    expect(readDate('2017-04-02 24:00')).toMatchObject({ ok: false, key: 'imp.badDate' });
    expect(readDate('2017-04-02 23:59:59')).toEqual({ ok: true, value: '2017-04-02' });
  });

  it('refuses day-first and month-first dates as ambiguous instead of guessing', () => {
    expect(readDate('02/04/2017')).toMatchObject({ ok: false, key: 'imp.ambiguousDate' });
    expect(readDate('4/2/17')).toMatchObject({ ok: false, key: 'imp.ambiguousDate' });
    expect(readDate('17-4-2')).toMatchObject({ ok: false, key: 'imp.ambiguousDate' });
  });

  it('refuses impossible and mixed-separator dates', () => {
    expect(readDate('2017-02-30')).toMatchObject({ ok: false, key: 'imp.badDate' });
    expect(readDate('2017/4-2')).toMatchObject({ ok: false, key: 'imp.badDate' });
    expect(readDate('四月二日')).toMatchObject({ ok: false, key: 'imp.badDate' });
    expect(readDate(12)).toMatchObject({ ok: false, key: 'imp.badDate' });
  });
});

describe('reading numbers from sheet cells', () => {
  it.each([
    ['5427.1', '5427.1'],
    ['５４２７．１', '5427.1'],
    ['5,427.10', '5427.10'],
    ['１，２３４，５６７', '1234567'],
    [' 12 ', '12'],
    ['−3.5', '-3.5'],
  ])('reads %s exactly as %s', (text, exact) => {
    expect(readDecimal(text)).toEqual({ ok: true, value: exact });
  });

  it('keeps an XLSX number as its shortest exact decimal', () => {
    expect(readDecimal(5427.1)).toEqual({ ok: true, value: '5427.1' });
    expect(readDecimal(1e21)).toEqual({ ok: true, value: '1000000000000000000000' });
  });

  it('refuses a comma that is not a thousands separator, a percent sign and a date', () => {
    expect(readDecimal('5,4')).toMatchObject({ ok: false, key: 'imp.ambiguousNumber' });
    expect(readDecimal('54,27.1')).toMatchObject({ ok: false, key: 'imp.ambiguousNumber' });
    expect(readDecimal('3.2%')).toMatchObject({ ok: false, key: 'imp.percent' });
    expect(readDecimal(new Date('2017-04-02T00:00:00Z'))).toMatchObject({ ok: false, key: 'imp.dateNotNumber' });
    expect(readDecimal('5 427')).toMatchObject({ ok: false, key: 'v.decimal' });
  });
});

describe('decimal helpers', () => {
  it('moves the decimal point exactly', () => {
    expect(shiftDecimal('0.032', 2)).toBe('3.2');
    expect(shiftDecimal('12', 2)).toBe('1200');
    expect(shiftDecimal('-0.5', 1)).toBe('-5');
  });
  it('compares decimals by value, not by how they are written', () => {
    expect(sameDecimal('5427.1', '5427.10')).toBe(true);
    expect(sameDecimal('0.0', '-0')).toBe(true);
    expect(sameDecimal('5427.1', '5427.01')).toBe(false);
  });
  it('orders decimals exactly, beyond what a double can tell apart', () => {
    expect(compareDecimal('30000.0000000000000001', '30000')).toBe(1);
    expect(compareDecimal('-30000.0000000000000001', '-30000')).toBe(-1);
    expect(compareDecimal('29999.9999999999999999', '30000.00')).toBe(-1);
    expect(compareDecimal('5427.10', '5427.1')).toBe(0);
    expect(compareDecimal('-0', '0.000')).toBe(0);
    expect(compareDecimal('-1', '0.5')).toBe(-1);
    expect(compareDecimal('100', '99.999')).toBe(1);
    expect(compareDecimal('0.09', '0.1')).toBe(-1);
    expect(compareDecimal('-0.09', '-0.1')).toBe(1);
    expect(compareDecimal('007', '7.0')).toBe(0);
  });
  it('reads a number cell as a spreadsheet shows it: 15 significant digits at most', () => {
    expect(spreadsheetNumber(0.1 + 0.2)).toBe(0.3);
    expect(spreadsheetNumber(5427.1 * 0.15)).toBe(814.065);
    expect(spreadsheetNumber(123456789012345)).toBe(123456789012345);
    expect(spreadsheetNumber(0.000123456789012345)).toBe(0.000123456789012345);
    expect(significantDigits('0.0012300')).toBe(3);
    expect(significantDigits('-5427.10')).toBe(5);
    expect(significantDigits('1200')).toBe(2);
  });
  it('knows when a double cannot hold a stored decimal', () => {
    expect(fitsInDouble('5427.10')).toBe(true);
    expect(fitsInDouble('0.12345678901234567890')).toBe(false);
  });
  it('names columns by their spreadsheet letters', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});

describe('wide-sheet headers', () => {
  it('folds width, case, spaces and underscores', () => {
    expect(headerKey('Observed On')).toBe(headerKey('observed_on'));
    expect(headerKey('面积（m²）')).toBe('面积(m2)');
  });
  it('strips every repeat marker of the harvest-column convention', () => {
    for (const h of ['产量(第2次)', '产量（第2次）', '产量(2)', '产量第2次', '产量.2', '产量#2']) expect(stripRepeat(h)).toBe('产量');
    expect(stripRepeat('产量')).toBeUndefined();
  });
  it('finds the value column a date column belongs to', () => {
    expect(dateColumnBase('产量(第1次) 观测日期')).toBe(headerKey('产量(第1次)'));
    expect(dateColumnBase('yield_kg_per_mu.2 observed_on')).toBe(headerKey('yield_kg_per_mu.2'));
    expect(dateColumnBase('长势日期')).toBe('长势');
    expect(dateColumnBase('观测日期')).toBeUndefined();
  });
});
