/**
 * The Uyghur annual summary of a programme, built from the same counts as the zh/en
 * sentences of analysis/programme-summary.ts (programmeSentences) and saying the same
 * things in the same order: projects and the categories of new projects (a zero among the
 * categories is said as zero), outputs (a kind with no record is left out), training (partial
 * when some sessions have no roster) and acceptance inspections with their rectifications.
 * Numbers stand without case suffixes (“تۈزىتىلگىنى 3”) so that no vowel harmony has to be
 * guessed after a digit. Types are copied from programme-summary.ts to stay self-contained.
 * @example ugSentence({ year: 2017, projects: 3, newProjects: 2, ... })
 *   // => '2017-يىلى جەمئىي 3 تۈر ئورۇنلاشتۇرۇلدى، يېڭىدىن 2 تۈر قوزغىتىلدى، ئۇنىڭ ئىچىدە …'
 */

import type { ProgrammeCounts } from '../../analysis/programme-summary.js';
import { isolate } from '../i18n/i18n.js';

/** “a، b ۋە c”. */
function ugList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join('، ')} ۋە ${parts[parts.length - 1]}`;
}

/** Titles named in a sentence: up to three, else none (the count alone). Each title is an
 * isolate (FSI … PDI): Chinese titles side by side in Uyghur text would otherwise run left
 * to right as one, the first title drawn on the left, read last. */
function named(titles: string[]): string {
  if (titles.length === 0 || titles.length > 3) return '';
  return ` (${titles.map(isolate).join('؛ ')})`;
}

function projectsSentence(c: ProgrammeCounts): string {
  let s = `${c.year}-يىلى جەمئىي ${c.projects} تۈر ئورۇنلاشتۇرۇلدى`;
  if (c.newProjects > 0) {
    const k = c.newByCategory;
    const parts = [
      `ۋىلايەت، ئوبلاست، شەھەرلەرگە قارىتىلغان شىنجاڭغا ياردەم تۈرى ${k.prefecture}`,
      `نامرات ناھىيەلەرگە قارىتىلغان تۈر ${k.poor_county}`,
      `سانائەتلەشتۈرۈش تەرەققىياتىغا قارىتىلغان تۈر ${k.industrialisation}`,
    ];
    if (k.other > 0) parts.push(`باشقا تۈر ${k.other}`);
    if (c.newUncategorised > 0) parts.push(`تۈركۈمى يېزىلمىغان تۈر ${c.newUncategorised}`);
    s += `، يېڭىدىن ${c.newProjects} تۈر قوزغىتىلدى، ئۇنىڭ ئىچىدە ${parts.join('، ')}`;
  } else {
    s += '، يېڭىدىن قوزغىتىلغان تۈر يوق';
  }
  return `${s}.`;
}

function outputsSentence(c: ProgrammeCounts): string | null {
  const o = c.outputs;
  const parts: string[] = [];
  const patents: string[] = [];
  if (o.patent_utility) patents.push(`${o.patent_utility} ئەمەلىي يېڭى تىپتىكى پاتېنت`);
  if (o.patent_invention) patents.push(`${o.patent_invention} كەشپىيات پاتېنتى`);
  if (patents.length) parts.push(`${ugList(patents)} ئېلىندى`);
  if (o.centre) parts.push(`${o.centre} تەتقىقات مەركىزى ياكى قۇرۇلۇش تېخنىكا تەتقىقات مەركىزى قۇرۇلدى${named(c.centreTitles)}`);
  if (o.postdoc_station) parts.push(`${o.postdoc_station} دوكتورلۇقتىن كېيىنكى خىزمەت پونكىتى ياكى تارماق پونكىتى قۇرۇلدى${named(c.postdocTitles)}`);
  if (o.standard) parts.push(`${o.standard} ئۆلچەم ۋە مەشغۇلات قائىدىسى تۈزۈلدى`);
  if (o.publication) parts.push(`${o.publication} ماقالە ۋە نەشر بۇيۇمى ئېلان قىلىندى`);
  if (o.extension_material) {
    let e = `${o.extension_material} خىل تېخنىكا تەشۋىقات ماتېرىيالى تۈزۈپ بېسىلدى`;
    if (c.extensionWithCount === o.extension_material) {
      e += `، ${c.extensionDistributed} نۇسخا تارقىتىلدى`;
    } else if (c.extensionWithCount > 0) {
      e += `، ئۇنىڭ ئىچىدە ${c.extensionWithCount} خىلىنىڭ ${c.extensionDistributed} نۇسخا تارقىتىلغانلىقى خاتىرىلەنگەن`;
    }
    parts.push(e);
  }
  if (o.other) parts.push(`باشقا ${o.other} نەتىجە قولغا كەلتۈرۈلدى`);
  if (!parts.length) return null;
  return `تۈرلەرنى يولغا قويۇش جەريانىدا ${parts.join('، ')}.`;
}

function trainingSentence(c: ProgrammeCounts): string | null {
  const t = c.training;
  if (t.sessions === 0) return null;
  let s = `${t.sessions} قېتىم تەربىيەلەش ۋە نەق مەيدان كۆرۈش ئۇيۇشتۇرۇلۇپ، دېھقانلار ${t.personTimes} ئادەم-قېتىم تەربىيەلەندى`;
  if (t.sessionsWithoutRoster < t.sessions) {
    s += `، ئىمزا تىزىملىكىدە ${t.uniqueFarmers} دېھقان تىزىملانغان`;
    if (t.demoHouseholds > 0) s += ` (ئۈلگە ئائىلە ${t.demoHouseholds})`;
    if (t.sessionsWithoutRoster > 0) s += `، يەنە ${t.sessionsWithoutRoster} قېتىمدا پەقەت ئادەم سانىلا خاتىرىلەنگەن`;
  } else {
    s += ' (ھەممىسىدە پەقەت ئادەم سانىلا خاتىرىلەنگەن، ئىمزا تىزىملىكى يوق)';
  }
  return `${s}.`;
}

function inspectionSentence(c: ProgrammeCounts): string | null {
  const i = c.inspections;
  if (i.inspections === 0) return null;
  let s = `مۇتەخەسسىسلەر تەشكىللىنىپ، تەكشۈرۈپ قوبۇل قىلىنىدىغان ${i.projectsInspected} تۈر نەق مەيداندا ${i.inspections} قېتىم تەكشۈرۈلدى`;
  if (i.rectifications > 0) {
    s += `، ${i.rectifications} تۈزىتىش تەكلىپى بېرىلدى، تۈزىتىلگىنى ${i.closed}`;
    if (i.open > 0) {
      s += `، تېخى تۈزىتىلمىگىنى ${i.open}`;
      if (i.overdue > 0) s += ` (ئۇنىڭ ئىچىدە ۋاقتى ئۆتۈپ كەتكىنى ${i.overdue})`;
    }
  }
  return `${s}.`;
}

/** The Uyghur summary: one paragraph, the sentences in the order of the zh and en ones. */
export function ugSentence(c: ProgrammeCounts): string {
  return [projectsSentence(c), outputsSentence(c), trainingSentence(c), inspectionSentence(c)]
    .filter((s): s is string => s !== null)
    .join(' ');
}
