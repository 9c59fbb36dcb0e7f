import type { ErrorRequestHandler, RequestHandler } from 'express';
import { messageKey, recordName, translate, type Lang, type MessageKey, type Params } from './i18n/i18n.js';
import { databaseRefusal } from './database-errors.js';

/** The codes that have a message `error.<Code>` in the catalogue. */
export type ErrorCode = CodeOf<MessageKey>;
type CodeOf<K> = K extends `error.${infer C}` ? C : never;

/** One failing field: `row` counts from 1 in a batch; `path` names the field. */
export interface FieldIssue {
  row?: number;
  path: string;
  message: string;
}

/**
 * An error meant for the client: an HTTP status, a PascalCase code, and a message that is
 * translated when the answer is written (so the service needs no language).
 */
export class AppError extends Error {
  /** A code with its own message `error.<Code>` ... */
  constructor(status: number, code: ErrorCode);
  /** ... or any code with a message key of the catalogue. */
  constructor(status: number, code: string, messageKey: MessageKey, params?: Params, issues?: FieldIssue[], extra?: Record<string, unknown>, headers?: Record<string, string>);
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey = `error.${code as ErrorCode}`,
    readonly params: Params = {},
    readonly issues: FieldIssue[] = [],
    readonly extra: Record<string, unknown> = {},
    /** Response headers that go with the error, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }

  static notFound(code: ErrorCode, id: unknown): AppError {
    return new AppError(404, code, `error.${code}`, { id: String(id) });
  }
}

/** The row a lookup found, or the record's 404 when it found none.
 * @example const site = mustFind(await repo.findSite(db, id), 'SiteNotFound', id); */
export function mustFind<T>(row: T | undefined, code: ErrorCode, id: unknown): T {
  if (!row) throw AppError.notFound(code, id);
  return row;
}

/** Field issues whose messages are still keys; turned into text in the client's language. */
export interface PendingIssue {
  row?: number;
  path: string;
  key: MessageKey;
  params?: Params;
  /** Parameters that are a record's name, given in the page's language when translated
   * (`recordName`: the English name on English pages when there is one, else the Chinese). */
  names?: Record<string, { name: string; nameEn?: string | null }>;
}

function namedParams(lang: Lang, p: PendingIssue): Params | undefined {
  if (!p.names) return p.params;
  const named = Object.fromEntries(Object.entries(p.names).map(([k, o]) => [k, recordName(lang, o)]));
  return { ...p.params, ...named };
}

export class ValidationError extends AppError {
  /** 400 ValidationFailed unless another status and code are given (409 ObservationExists
   * names its rows the same way, with the existing records in `extra`). */
  constructor(
    readonly pending: PendingIssue[],
    status = 400,
    code = 'ValidationFailed',
    params: Params = {},
    extra: Record<string, unknown> = {},
  ) {
    super(status, code, messageKey(`error.${code}`), params, [], extra);
  }
  localizedIssues(lang: Lang): FieldIssue[] {
    return this.pending.map((p) => ({
      ...(p.row !== undefined ? { row: p.row } : {}),
      path: p.path,
      message: translate(lang, p.key, namedParams(lang, p)),
    }));
  }
}

export function errorBody(err: AppError, lang: Lang) {
  const issues = err instanceof ValidationError ? err.localizedIssues(lang) : err.issues;
  return {
    error: {
      code: err.code,
      message: translate(lang, err.messageKey, err.params),
      ...(issues.length ? { issues } : {}),
      ...err.extra,
    },
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'RouteNotFound', 'error.RouteNotFound', { path: req.path }));
};

/** Maps body-parser failures and anything unexpected to a clean answer, never a stack trace. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; code?: string; constraint?: string };
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'MalformedJson');
  if (e?.type === 'entity.too.large' || e?.status === 413) return new AppError(413, 'PayloadTooLarge');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError(415, 'UnsupportedMediaType', 'error.UnsupportedMediaType', { type: '' });
  const refused = databaseRefusal(err);
  if (refused) return refused;
  // Other body-parser failures (a malformed gzip or deflate body, a bad length): the client's.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (err as { expose?: boolean }).expose) return new AppError(400, 'MalformedBody', 'sec.malformedBody');
  // Raised by the database when a write touches a signed-off trial (see the accounts migration).
  if (e?.code === 'DP423') return new AppError(423, 'TrialLocked', 'error.TrialLocked', { id: (err as { detail?: string }).detail ?? '' });
  return new AppError(500, 'Internal');
}

export function makeErrorHandler(renderHtml?: (err: AppError, req: Parameters<ErrorRequestHandler>[1], res: Parameters<ErrorRequestHandler>[2]) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) console.error(err);
    const lang: Lang = res.locals.lang ?? 'zh';
    res.status(appErr.status);
    res.set(appErr.headers);
    const wantsJson = req.path.startsWith('/api/') || !req.accepts('html');
    if (!wantsJson && renderHtml) return renderHtml(appErr, req, res);
    res.json(errorBody(appErr, lang));
  };
}
