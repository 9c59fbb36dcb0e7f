/** Messages of limits and refused input (uploads, sign-in throttling, passwords), in Chinese and English. */
export const securityMessages = {
  'sec.uploadTooLarge': { zh: '文件过大：上限为 {mb} MB', en: 'The file is too large: the limit is {mb} MB' },
  'sec.tooManyRows': { zh: '文件行数过多：每次导入最多 {max} 行', en: 'The file has too many rows: an import takes at most {max}' },
  'error.ImportTooManyRows': { zh: '文件行数过多', en: 'The file has too many rows' },
  'error.Starting': { zh: '服务正在启动，请稍候', en: 'Starting; please try again shortly' },
  'error.ImportTooLarge': { zh: '文件解压后过大', en: 'The file is too large once unpacked' },
  'sec.xlsx.inflated': { zh: 'XLSX 文件解压后超过 {limit} MB，已拒绝（可能是压缩炸弹；请拆分文件或另存为 CSV）', en: 'The XLSX file unpacks to more than {limit} MB and was refused (possibly a zip bomb; split the file or save it as CSV)' },
  'sec.xlsx.sharedStrings': { zh: 'XLSX 文件中的不同文本超过 {limit} 个，已拒绝（请拆分文件或另存为 CSV）', en: 'The XLSX file holds more than {limit} distinct texts and was refused (split the file or save it as CSV)' },
  'sec.xlsx.entries': { zh: 'XLSX 文件内含超过 {limit} 个部件，已拒绝', en: 'The XLSX file has more than {limit} parts and was refused' },
  'v.passwordTooLong': { zh: '密码过长：不能超过 500 个字符', en: 'The password is too long: at most 500 characters' },
  'v.passwordRepeated': { zh: '密码不能只由一个字符重复组成', en: 'a password must not be one character repeated' },
  'v.passwordIsEmail': { zh: '密码不能与电子邮箱相同', en: 'a password must not be the account\'s email' },
  'v.passwordCommon': { zh: '密码太常见或太容易猜到（例如常用密码、单词、键盘序列或与账号信息相近），请换一个更长、更独特的密码', en: 'this password is too common or easy to guess (a common password, word, keyboard run or close to the account\'s details); choose a longer, more unusual one' },
} as const;
