import { DEFAULT_SAFETY_THRESHOLD, type SafetyThreshold } from "../domain";
import type { SafetyCheck } from "../plan";

/**
 * rule 11: a run may disable at most max(minimum, floor(percent % of linked technicians)) without approval.
 * Floor, so "10 % of 59" allows 5, never 6: the threshold errs on the side of asking a person.
 */
export function checkSafety(
  disableCount: number,
  linkedCount: number,
  threshold: SafetyThreshold = DEFAULT_SAFETY_THRESHOLD,
): SafetyCheck {
  const allowed = Math.max(threshold.minimum, Math.floor((threshold.percent * linkedCount) / 100));
  return { disableCount, linkedCount, allowed, blocked: disableCount > allowed };
}
