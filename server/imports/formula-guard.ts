/**
 * CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with
 * `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a note such as
 * `=HYPERLINK(…)` typed by one user would run on another's computer. Exported CSV text
 * cells that start so get a leading `'`, which spreadsheets show as text. Plain numbers
 * ("-3.5") are left alone. Text already starting with quotes before such a character gets
 * one more, so reading back (strip one quote) gives every original text exactly.
 */
const TRIGGER = /^'*[=+\-@\t\r]/;
const QUOTED = /^'+[=+\-@\t\r]/;
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** @example neutralise('=1+1') // => "'=1+1"; neutralise('-3.5') // => '-3.5' */
export function neutralise(text: string): string {
  return TRIGGER.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}

/** The text a CSV cell held before `neutralise`. @example restore("'=1+1") // => '=1+1' */
export function restore(text: string): string {
  return QUOTED.test(text) ? text.slice(1) : text;
}
