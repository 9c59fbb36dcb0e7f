/** Labels of the web pages, in Chinese and English. */
export const uiMessages = {
  'app.name': { zh: 'Demoplot 示范田', en: 'Demoplot' },
  'app.tagline': { zh: '农业技术示范试验跟踪', en: 'Agricultural demonstration trial tracker' },
  'nav.home': { zh: '首页', en: 'Home' },
  'nav.language': { zh: 'English', en: '中文' },
} as const;
