/** Messages of limits and refused input (uploads, sign-in throttling, passwords), in Chinese and English. */
export const securityMessages = {
  'sec.uploadTooLarge': { zh: '文件过大：上限为 {mb} MB', en: 'The file is too large: the limit is {mb} MB' },
  'sec.tooManyRows': { zh: '文件行数过多：每次导入最多 {max} 行', en: 'The file has too many rows: an import takes at most {max}' },
  'error.ImportTooManyRows': { zh: '文件行数过多', en: 'The file has too many rows' },
  'error.Starting': { zh: '服务正在启动，请稍候', en: 'Starting; please try again shortly' },
} as const;
