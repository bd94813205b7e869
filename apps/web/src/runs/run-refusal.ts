// A refused cancel or "run again" in words a person can act on: the API's 409 says why (the run ended, is still
// going, waits for approval), a 404 means the run is gone or not this organisation's.
import { ApiError } from "../api/api-error";
import { type FormState, formStateOfError } from "../forms/form-state";

export const RUN_NOT_FOUND = "This run was not found. It may have been removed; reload the page.";

export function runRefusalState(error: unknown): FormState {
  if (error instanceof ApiError && error.status === 404) return { ok: false, message: RUN_NOT_FOUND };
  if (error instanceof ApiError && error.status === 409) {
    // The API names the field it refuses ("runId: the run already ended …"); here the run is the page's own.
    const reason = error.message.replace(/^runId:\s*/, "");
    return {
      ok: false,
      message: `${reason.charAt(0).toUpperCase()}${reason.slice(1)} Reload the page to see where it stands.`,
    };
  }
  return formStateOfError(error);
}
