import type { Request, Response, Router } from 'express';
import { AppError, ValidationError } from '../errors.js';
import { translate, type Lang } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { titled } from './labels.js';
import { sendPage, type Renderer } from './render.js';

/**
 * HTML forms: a submitted form is a flat map of strings whose names are the schema's
 * dotted paths (`targets.personTimes`, `arms.0.name`), so a ValidationError's `path`
 * names the field it belongs to. No bracket names: nothing turns into nested objects.
 */
export type FormBody = Record<string, string>;

/** The request's urlencoded body as strings; repeated or nested names are ignored. */
export function formBody(req: Request): FormBody {
  const out: FormBody = {};
  for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Turns form strings into the types the zod schemas expect; bad input is passed on as
 * typed, so the schema reports it with the field's own message. */
export const read = {
  /** Trimmed text; empty stays '' so a required field reports "must not be empty". */
  text: (v: string | undefined) => (v ?? '').trim(),
  /** Trimmed text, or null when blank. */
  optional: (v: string | undefined) => ((v ?? '').trim() === '' ? null : (v ?? '').trim()),
  /** For a correction: undefined (leave as stored) when the form did not send the field,
   * else as `optional` (an emptied field clears). */
  patched: (v: string | undefined) => (v === undefined ? undefined : read.optional(v)),
  /** A whole number, null when blank, the typed text when it is not one. */
  integer: (v: string | undefined): number | string | null => {
    const s = (v ?? '').trim();
    if (s === '') return null;
    return /^[-+]?\d{1,15}$/.test(s) ? Number(s) : s;
  },
  /** A number, null when blank, the typed text when it is not one. */
  number: (v: string | undefined): number | string | null => {
    const s = (v ?? '').trim();
    if (s === '') return null;
    return /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : s;
  },
  /** One entry per non-blank line. */
  lines: (v: string | undefined) =>
    (v ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  checkbox: (v: string | undefined) => v !== undefined && v !== '',
};

/** Reads a form's fields, each by the `read` rule named for it.
 * @example readFields({ name: ' 王 ', phone: '' }, { name: 'text', phone: 'optional' }) // => { name: '王', phone: null } */
export function readFields<R extends Record<string, keyof typeof read>>(b: FormBody, rules: R): { [K in keyof R]: ReturnType<(typeof read)[R[K]]> } {
  return Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, read[rule](b[name])])) as { [K in keyof R]: ReturnType<(typeof read)[R[K]]> };
}

/** What a form page renders from: the values shown, their errors, the language, the request. */
export interface FormState {
  values: FormBody;
  errors?: FormErrors;
  lang: Lang;
  req: Request;
}

export interface FormErrors {
  /** Message per field name. */
  fields: Record<string, string>;
  /** Messages that belong to no single field. */
  form: string[];
}

/**
 * The messages of a ValidationError (or a version conflict) in the page's language, by
 * field name; `rename` maps an issue's path (with its row, for lists) to a field name,
 * or to undefined for a form-level message. Anything else is not a form error: undefined.
 */
export function formErrors(err: unknown, lang: Lang, rename: (path: string, row?: number) => string | undefined = (p) => p || undefined): FormErrors | undefined {
  if (err instanceof ValidationError) {
    const out: FormErrors = { fields: {}, form: [] };
    for (const issue of err.localizedIssues(lang)) {
      const name = rename(issue.path, issue.row);
      if (name === undefined) out.form.push(issue.message);
      else out.fields[name] = out.fields[name] ? `${out.fields[name]}; ${issue.message}` : issue.message;
    }
    return out;
  }
  if (err instanceof AppError && err.code === 'VersionConflict') {
    return { fields: {}, form: [translate(lang, err.messageKey, err.params)] };
  }
  return undefined;
}

export type Option = readonly [value: string, label: string];

export interface FieldSpec {
  name: string;
  label: MessageKey;
  type?: 'text' | 'date' | 'integer' | 'decimal' | 'select' | 'textarea' | 'checkbox' | 'email' | 'tel';
  required?: boolean;
  hint?: MessageKey;
  unit?: string | null;
  options?: readonly Option[];
  wide?: boolean;
  maxlength?: number;
}

export interface FieldView {
  name: string;
  id: string;
  label: string;
  type: string;
  inputType: string;
  inputmode?: string;
  value: string;
  checked: boolean;
  required: boolean;
  hint?: string;
  unit?: string | null;
  options?: { value: string; label: string; selected: boolean }[];
  error?: string;
  wide: boolean;
  maxlength?: number;
}

/** A form field ready for the `field` partial: its label, typed value and error. */
export function fieldView(lang: Lang, values: FormBody, errors: FormErrors | undefined, spec: FieldSpec): FieldView {
  const type = spec.type ?? 'text';
  const value = values[spec.name] ?? '';
  const inputType = type === 'integer' || type === 'decimal' ? 'text' : type;
  return {
    name: spec.name,
    id: `f-${spec.name.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    label: translate(lang, spec.label),
    type,
    inputType,
    inputmode: type === 'integer' ? 'numeric' : type === 'decimal' ? 'decimal' : undefined,
    value,
    checked: type === 'checkbox' && read.checkbox(values[spec.name]),
    required: spec.required ?? false,
    hint: spec.hint ? translate(lang, spec.hint) : undefined,
    unit: spec.unit,
    options: spec.options?.map(([v, label]) => ({ value: v, label, selected: v === value })),
    error: errors?.fields[spec.name],
    wide: spec.wide ?? type === 'textarea',
    maxlength: spec.maxlength,
  };
}

/**
 * What every create-or-edit form of a record shows: the page title and heading (`title`, followed
 * by the record's name when it edits one), the version it was read at as a hidden field (the one
 * the form sent, after an error), its fields and the submit button's label (create or save).
 * @example recordForm(form, site ? 'site.edit' : 'site.new', site && { version: site.version, name: site.name }, specs)
 */
export function recordForm(form: FormState, title: MessageKey, editing: { version: number; name: string } | null, specs: FieldSpec[], values = form.values) {
  const { lang } = form;
  const label = translate(lang, title);
  return {
    title: label,
    heading: editing ? titled(lang, label, editing.name) : label,
    hidden: editing ? [{ name: 'version', value: form.values.version ?? String(editing.version) }] : [],
    fields: specs.map((s) => fieldView(lang, values, form.errors, s)),
    submitLabel: translate(lang, editing ? 'form.save' : 'form.create'),
  };
}

/** Form text of a value from the database: '' for null, numbers and dates as written. */
export function asText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** A path given as `?back=` that stays on this site, else the fallback. */
export function localPath(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\/(?![/\\])[\w\-./?=&%#]*$/.test(v) ? v : fallback;
}

/**
 * One form at one address: GET shows it filled from `initial`, POST parses it and calls
 * `submit`, which returns where to go (303) or throws; a ValidationError re-renders the
 * form with every field's error and the values as typed (400).
 */
export interface FormPage<C> {
  load(req: Request, res: Response): Promise<C>;
  initial(c: C, req: Request): FormBody;
  submit(c: C, body: FormBody, req: Request): Promise<string>;
  /** Field name of an issue, from its path and row and the submitted form. */
  rename?: (path: string, row: number | undefined, body: FormBody) => string | undefined;
  render(c: C, form: FormState): { view: string; context: Record<string, unknown> };
}

export function mountForm<C>(r: Router, renderer: Renderer, path: string, page: FormPage<C>): void {
  const show = (res: Response, c: C, values: FormBody, errors?: FormErrors) => {
    const lang: Lang = res.locals.lang ?? 'zh';
    const { view, context } = page.render(c, { values, errors, lang, req: res.req });
    sendPage(res, renderer, view, { ...context, formErrors: errors?.form ?? [], hasErrors: !!errors }, errors ? 400 : 200);
  };
  r.get(path, async (req, res) => {
    const c = await page.load(req, res);
    show(res, c, page.initial(c, req));
  });
  r.post(path, async (req, res) => {
    const c = await page.load(req, res);
    const body = formBody(req);
    try {
      res.redirect(303, await page.submit(c, body, req));
    } catch (err) {
      const rename = page.rename;
      const errors = formErrors(err, res.locals.lang ?? 'zh', rename ? (path, row) => rename(path, row, body) : undefined);
      if (!errors) throw err;
      // The reason field was taken out of the body for the audit (changeReason): keep it typed.
      show(res, c, req.changeReason ? { ...body, _reason: req.changeReason } : body, errors);
    }
  });
}
