import { flagMessages, type Flag } from '../../analysis/flags.js';
import type { Lang } from './languages.js';

/**
 * analysis/ writes its sentences (flags, headlines) in Chinese and English only. This picks
 * the page's language: Uyghur flags come from the table below; a Uyghur page shows the
 * Chinese headline sentence until headlines are worded from the catalogue.
 */
export function analysisText(lang: Lang, text: { zh: string; en: string }): string {
  return lang === 'en' ? text.en : text.zh;
}

/** The sentence for a flag code in the page's language; an unknown code shows as itself. */
export function flagText(lang: Lang, code: string): string {
  if (lang === 'ug' && code in ugFlags) return ugFlags[code as Flag];
  const m = flagMessages[code];
  return m ? analysisText(lang, m) : code;
}

const ugFlags = {
  nTooSmall: 'قىممەت بەك ئاز، ئىشەنچ ئارىلىقى ۋە P قىممىتىنى بەرگىلى بولمايدۇ (ھەر گۇرۇپپىدا كەم دېگەندە 2 ئۇچاستكا، ياكى 2 جۈپ، 2 نۇقتا كېرەك)',
  zeroVariance: 'قىممەتلەردە ئۆزگىرىش يوق، ئىشەنچ ئارىلىقى ۋە P قىممىتىنى بەرگىلى بولمايدۇ',
  nonPositiveValue: '0 ياكى ئۇنىڭدىن كىچىك قىممەت بار، پىرسەنت ئۆزگىرىشى ۋە ئۇنىڭ ئارىلىقىنى ھېسابلىغىلى بولمايدۇ',
  missingPlantingDate: 'چېسلا كۆزىتىشى بار، ئەمما تېرىش/تىكىش چېسلاسى يوق ئۇچاستكىلار سېلىشتۇرۇشقا كىرگۈزۈلمىدى',
  invalidValue: 'تونۇغىلى بولمايدىغان كۆزىتىش قىممىتى بار ئۇچاستكىلار سېلىشتۇرۇشقا كىرگۈزۈلمىدى',
  noControlArm: 'سىناقتا سېلىشتۇرما گۇرۇپپا يوق، سېلىشتۇرغىلى بولمايدۇ',
  noTreatmentArm: 'سىناقتا بىر تەرەپ قىلىش گۇرۇپپىسى يوق، سېلىشتۇرغىلى بولمايدۇ',
  severalControlArms: 'سىناقتا بىر قانچە سېلىشتۇرما گۇرۇپپا بار، پەقەت بىرىنچىسى بىلەن سېلىشتۇرۇلىدۇ',
  noTreatmentValues: 'بۇ نۇقتىدا بىر تەرەپ قىلىش گۇرۇپپىسىنىڭ سانلىق مەلۇماتى يوق',
  noControlValues: 'بۇ نۇقتىدا سېلىشتۇرما گۇرۇپپىنىڭ سانلىق مەلۇماتى يوق',
  unpairedDropped: 'ئوخشاش بۆلەكتە جۈپى يوق ئۇچاستكىلار جۈپ سېلىشتۇرۇشقا كىرگۈزۈلمىدى',
  noPairs: 'ھېچقانداق بۆلەكتە ئىككى گۇرۇپپا تەڭ يوق، جۈپ سېلىشتۇرغىلى بولمايدۇ',
  severalPlotsPerBlock: 'بىر بۆلەكتە ئوخشاش گۇرۇپپىنىڭ بىر قانچە ئۇچاستكىسى بار، ئوتتۇرىچە قىممىتى ئېلىندى',
  unlistedSite: 'سىناقنىڭ نۇقتا تىزىملىكىدە يوق نۇقتىنىڭ سانلىق مەلۇماتى سېلىشتۇرۇشقا كىرگۈزۈلمىدى',
  unlistedArm: 'سىناقنىڭ گۇرۇپپا تىزىملىكىدە يوق گۇرۇپپىنىڭ سانلىق مەلۇماتى سېلىشتۇرۇشقا كىرگۈزۈلمىدى',
  noTarget: 'تۈرگە تەربىيەلەش ئادەم-قېتىم نىشانى بەلگىلەنمىگەن، تاماملىنىش نىسبىتىنى ھېسابلىغىلى بولمايدۇ',
  noDemoHouseholdTarget: 'تۈرگە ئۈلگە ئائىلە نىشانى بەلگىلەنمىگەن، تاماملىنىش نىسبىتىنى ھېسابلىغىلى بولمايدۇ',
  unknownFarmer: 'ئىمزا تىزىملىكىدە تىزىملىتىلمىغان دېھقان نومۇرى بار',
  rosterLargerThanAttendance: 'بەزى تەربىيەلەشنىڭ ئىمزا تىزىملىكىدىكى ئادەم سانى خاتىرىلەنگەن قاتناشقۇچى سانىدىن كۆپ',
  missingWomenCount: 'بەزى تەربىيەلەشتە ئاياللار سانى خاتىرىلەنمىگەن، ئاياللار ئادەم-قېتىمى خاتىرىلەنگەن قېتىملارنىڭ يىغىندىسى',
  invalidDate: 'بەزى تەربىيەلەش چېسلاسىنى تونۇغىلى بولمىدى، ئاي بويىچە ستاتىستىكىغا كىرگۈزۈلمىدى',
} satisfies Record<Flag, string>;
