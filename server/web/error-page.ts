import type { Request, Response } from 'express';
import type { AppError } from '../errors.js';
import { translate } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/i18n.js';
import { langOf, tr } from './labels.js';
import { sendPage, type Renderer } from './render.js';

const HEADINGS: Record<number, MessageKey> = { 401: 'error.page.unauthorized', 403: 'error.page.forbidden', 404: 'error.page.notFound' };

/** Error pages in the layout, for browsers (the API keeps its JSON errors). */
export function htmlErrorPage(renderer: Renderer) {
  return (err: AppError, _req: Request, res: Response) => {
    const lang = langOf(res);
    const heading = tr(lang, HEADINGS[err.status] ?? (err.status >= 500 ? 'error.page.server' : 'error.page.request'));
    // A refusal says what the person's role may do instead.
    const role = res.locals.user?.role as 'admin' | 'agronomist' | 'lead' | 'viewer' | undefined;
    const roleMay = err.status === 403 && role ? translate(lang, 'error.page.forbiddenRole', { role: translate(lang, `role.${role}`), may: translate(lang, `role.may.${role}`) }) : null;
    sendPage(res, renderer, 'errors/error', { title: heading, heading, status: err.status, message: translate(lang, err.messageKey, err.params), roleMay }, err.status);
  };
}
