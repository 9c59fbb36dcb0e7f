/** Messages of spreadsheet import and export, in Chinese and English. */
export const importMessages = {} as const;
