import { z } from 'zod';
import { flagDuplicates, id, int32, text } from '../validation.js';
import { passwordProblem } from './password-policy.js';

export const ROLES = ['admin', 'agronomist', 'lead', 'viewer'] as const;

const email = z
  .string({ error: 'v.string' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'v.email' }).max(200));
/** The rules of password-policy.ts (10 to 500 characters, not common, not the email, not
 * one character repeated); long passphrases are welcome. */
const password = z
  .string({ error: 'v.string' })
  .superRefine((p, ctx) => {
    const problem = passwordProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: '' });
  });
const projects = z
  .array(id)
  .max(1000)
  .superRefine((list, ctx) => flagDuplicates(ctx, list));

export const UserInput = z
  .object({ email, name: text(200), password, role: z.enum(ROLES), projects: projects.default([]) })
  .strict();
export type UserInput = z.infer<typeof UserInput>;

export const UserPatch = z
  .object({ email, name: text(200), password, role: z.enum(ROLES), projects, active: z.boolean({ error: 'v.boolean' }), version: int32 })
  .partial()
  .strict();
export type UserPatch = z.infer<typeof UserPatch>;

/** `POST /api/tokens` and the login form: the password is not checked for length here. */
export const Credentials = z
  .object({
    email: z.string({ error: 'v.string' }).trim().toLowerCase().min(1, { error: 'v.notEmpty' }).max(200),
    password: z.string({ error: 'v.string' }).min(1, { error: 'v.notEmpty' }).max(500),
  })
  .strict();

export const TokenInput = Credentials.extend({ name: text(100).optional() }).strict();
export type TokenInput = z.infer<typeof TokenInput>;
