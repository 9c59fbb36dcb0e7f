import { catalogueText, MESSAGE_KEYS, type Lang } from '../i18n/i18n.js';
import { tr } from './labels.js';
import { LANGUAGES } from '../i18n/languages.js';

/**
 * What the trial page's offline script needs from the server, rendered into the page as
 * JSON: the trial, where to sign in again, and every text it shows, in the page's language.
 */
export function offlineConfig(lang: Lang, trialId: number, pageUrl: string) {
  const keys = MESSAGE_KEYS.filter((k) => k.startsWith('offline.'));
  return {
    trialId,
    lang,
    dir: LANGUAGES[lang].dir,
    locale: LANGUAGES[lang].locale,
    loginHref: `/login?next=${encodeURIComponent(pageUrl.split('#')[0])}`,
    // Templates with their {placeholders}, filled in by the script.
    t: Object.fromEntries(keys.map((k) => [k, catalogueText(lang, k)])),
  };
}

/** A photo as a thumbnail linking to the full image. */
export function photoView(lang: Lang, plotLabel: string, p: { id: number; caption: string | null; takenOn: string | null }) {
  return {
    url: `/photos/${p.id}`,
    thumbnailUrl: `/photos/${p.id}/thumbnail`,
    alt: p.caption ?? tr(lang, 'photo.of', { plot: plotLabel }),
    takenOn: p.takenOn,
  };
}
