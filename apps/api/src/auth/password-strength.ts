// Whether a new password is hard enough to guess: at least ten characters and a zxcvbn score of 3 or more
// ("safely unguessable": about 10^8 guesses), judged against common passwords, names and keyboard patterns.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";

export const MIN_PASSWORD_LENGTH = 10;
export const MIN_PASSWORD_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  return estimator;
}

/** null when the password will do; otherwise a plain sentence saying what to change. */
export function passwordWeakness(password: string, userInputs: string[] = []): string | null {
  if (password.trim().length < MIN_PASSWORD_LENGTH) {
    return `use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  // zxcvbn's cost grows with length; beyond this the password is long enough to judge by its start.
  const result = strengthEstimator().check(password.slice(0, 100), userInputs);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  return "is too easy to guess: use a few unrelated words or a longer mix of characters, not a common password, a repeated character or a keyboard pattern.";
}
