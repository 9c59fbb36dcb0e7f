import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError, ValidationError } from './errors.js';
import { fitsInDouble } from './imports/cells.js';
import { plainFromExponent } from './validation.js';

/**
 * Input the database would refuse with an error, or silently change, is refused first with
 * a 400 naming the field: a NUL character (PostgreSQL text cannot hold it), a JSON body that
 * is not valid UTF-8 (it would be stored as "���"), a number literal that underflows to
 * 0 (1e-400) or overflows (1e400), and one a JSON number (a double) cannot carry exactly
 * (12.345678901234567890 would be stored as 12.345678901234567; 9007199254740993 as
 * …992): such a number is sent as a string ("12.345678901234567890"), which is kept exact.
 */
export function verifyJsonBody(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new AppError(400, 'InvalidUtf8', 'sec.invalidUtf8');
  }
  // Only an exponent or 16 or more digits can be out of range or inexact (a double carries
  // every decimal of up to 15 significant digits), so most bodies are not scanned.
  if (!/[eE]/.test(text) && !/(?:\d\.?){16}/.test(text)) return;
  // Number literals outside strings.
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) continue;
      const literal = m[0];
      const n = Number(literal);
      if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(literal.split(/[eE]/)[0]))) {
        throw new AppError(400, 'NumberOutOfRange', 'sec.numberOutOfRange', { value: literal.slice(0, 40) });
      }
      if (!fitsInDouble(/[eE]/.test(literal) ? plainFromExponent(literal) : literal)) throw new AppError(400, 'NumberNotExact', 'sec.numberNotExact', { value: literal.slice(0, 40) });
      i += literal.length - 1;
    }
  }
}

/** Paths of strings holding a NUL character, in a parsed body or query. */
function nulPaths(v: unknown, path: string[], out: string[]): void {
  if (out.length >= 20) return;
  if (typeof v === 'string') {
    if (v.includes('\u0000')) out.push(path.join('.'));
  } else if (Array.isArray(v)) v.forEach((x, i) => nulPaths(x, [...path, String(i)], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) nulPaths(x, [...path, k], out);
}

/** Refuses NUL characters in the body or query with a 400 naming each field. */
export function refuseNul(): RequestHandler {
  return (req, _res, next) => {
    const paths: string[] = [];
    nulPaths(req.body, [], paths);
    nulPaths(req.query, [], paths);
    if (paths.length) return next(new ValidationError(paths.map((path) => ({ path: path || 'body', key: 'v.nul' }))));
    next();
  };
}
