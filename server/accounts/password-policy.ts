import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** Why a password is refused, as its message key. */
export type PasswordProblem = 'v.passwordTooShort' | 'v.passwordTooLong' | 'v.passwordRepeated' | 'v.passwordIsEmail' | 'v.passwordCommon';

/** The password rules: length, not common or guessable from the account, not one repeated character. */
export const PASSWORD_RULES = {
  minLength: 10,
  maxLength: 500,
  /** zxcvbn's score (0–4) a password must reach: 3 is "safely unguessable" online. */
  minScore: 3,
};

let estimator: ZxcvbnFactory | undefined;

/**
 * Why a password is refused, as a message key, or undefined when it is acceptable. Uses
 * zxcvbn-ts with its common-password dictionaries, told the account's email and name so a
 * password built from them scores low.
 * @example passwordProblem('password12', 'a@b.example') // => 'v.passwordCommon'
 */
export function passwordProblem(password: string, account: { email?: string; name?: string } = {}): PasswordProblem | undefined {
  if (password.length < PASSWORD_RULES.minLength) return 'v.passwordTooShort';
  if (password.length > PASSWORD_RULES.maxLength) return 'v.passwordTooLong';
  if (/^(.)\1*$/su.test(password)) return 'v.passwordRepeated';
  const email = account.email?.trim().toLowerCase();
  if (email && (password.trim().toLowerCase() === email || password.trim().toLowerCase() === email.split('@')[0])) return 'v.passwordIsEmail';
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  const inputs = [email, email?.split('@')[0], account.name].filter((s): s is string => !!s);
  // zxcvbn's cost grows with length; the first 100 characters decide well enough.
  if (estimator.check(password.slice(0, 100), inputs).score < PASSWORD_RULES.minScore) return 'v.passwordCommon';
  return undefined;
}
