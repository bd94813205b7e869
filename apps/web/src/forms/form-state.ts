// What a server action answers to its form: a plain message and errors per field.
import type { z } from "zod";
import { ApiError } from "../api/api-error";
import type { FixLink } from "../api/field-labels";

export interface FormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Where the problem is fixed, when the message is about a connection. */
  fix?: FixLink;
}

export const initialFormState: FormState = {};

/** The first message per field of a failed zod parse. */
export function fieldErrorsOfZod(error: z.ZodError): Record<string, string> {
  const result: Record<string, string> = {};
  for (const issue of error.issues) {
    const name = issue.path.join(".") || "form";
    if (!(name in result)) result[name] = issue.message;
  }
  return result;
}

/** A form's text fields as a plain object ("" for missing ones). */
export function formValues(formData: FormData, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = formData.get(name);
    values[name] = typeof value === "string" ? value.trim() : "";
  }
  return values;
}

/**
 * An API failure as a form answer: field errors next to their field, the message above the form.
 * `fieldNames` renames the API's field paths to the form's field names where they differ.
 */
export function formStateOfError(error: unknown, fieldNames: Record<string, string> = {}): FormState {
  if (error instanceof ApiError) {
    const fieldErrors: Record<string, string> = {};
    for (const [apiField, message] of Object.entries(error.fieldErrors)) {
      // "attributeMapping.nick.0" belongs to the attributeMapping field unless named more precisely.
      const top = apiField.split(".")[0] ?? apiField;
      const name = fieldNames[apiField] ?? fieldNames[top] ?? top;
      if (!(name in fieldErrors)) fieldErrors[name] = message;
    }
    return { ok: false, message: error.message, fieldErrors, ...(error.fix ? { fix: error.fix } : {}) };
  }
  throw error;
}
