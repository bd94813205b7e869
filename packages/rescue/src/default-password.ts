import { passwordPolicyError, type RescueError } from "./rescue-error";

/**
 * Check the tenant's default password against Rescue's documented policy before any call (docs/rescue-api.md):
 * 8+ characters, no whitespace, and — at the weakest "Good" strength — 3 of the 4 character classes.
 * Returns the error to report, or undefined when it passes.
 */
export function checkDefaultPassword(password: string, minCharacterClasses = 3): RescueError | undefined {
  if (password.length < 8) return passwordPolicyError("is shorter than 8 characters");
  if (/\s/.test(password)) return passwordPolicyError("contains whitespace");
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].filter((re) => re.test(password)).length;
  if (classes < minCharacterClasses) {
    return passwordPolicyError(
      `uses ${classes} of the 4 character classes (lower, upper, digit, special); ${minCharacterClasses} are needed`,
    );
  }
  return undefined;
}
