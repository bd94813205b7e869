"use client";
// What a person typed survives a session that ended mid-form: each form's fields are kept in sessionStorage (per
// page and form) as they type, and put back when they come back to the same page straight from signing in again.
// Secrets never leave the form: password fields and fields named like a secret are never stored.
import { type RefObject, useEffect } from "react";

const DRAFT_PREFIX = "techsync:draft:";
/** Set by the sign-in form: the page whose drafts to put back once it opens. */
export const RESTORE_DRAFTS_KEY = "techsync:restore-drafts";

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Never stored: password inputs, hidden inputs, and anything named like a secret. */
export function isStorable(field: Field): boolean {
  if (!field.name || field.disabled) return false;
  if (field instanceof HTMLInputElement && ["password", "hidden", "file", "submit", "button"].includes(field.type)) {
    return false;
  }
  return !/password|secret|token|key/i.test(field.name);
}

function fieldsOf(form: HTMLFormElement): Field[] {
  return [...form.elements].filter(
    (e): e is Field =>
      e instanceof HTMLInputElement || e instanceof HTMLSelectElement || e instanceof HTMLTextAreaElement,
  );
}

function draftKey(name: string): string {
  return `${DRAFT_PREFIX}${window.location.pathname}:${name}`;
}

/** The form's storable values: text by name, checkboxes and radios by name=value → checked. */
export function readDraft(form: HTMLFormElement): Record<string, string | boolean> {
  const draft: Record<string, string | boolean> = {};
  for (const field of fieldsOf(form).filter(isStorable)) {
    if (field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio")) {
      draft[`${field.name}=${field.value}`] = field.checked;
    } else {
      draft[field.name] = field.value;
    }
  }
  return draft;
}

export function applyDraft(form: HTMLFormElement, draft: Record<string, string | boolean>) {
  for (const field of fieldsOf(form).filter(isStorable)) {
    if (field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio")) {
      const checked = draft[`${field.name}=${field.value}`];
      if (typeof checked === "boolean") field.checked = checked;
    } else {
      const value = draft[field.name];
      if (typeof value === "string") field.value = value;
    }
  }
}

/** Keeps `form`'s draft as the person types; puts it back after signing in again on this page. */
export function useFormDraft(form: RefObject<HTMLFormElement | null>, name: string) {
  useEffect(() => {
    const element = form.current;
    if (!element || typeof sessionStorage === "undefined") return;
    const key = draftKey(name);
    const here = `${window.location.pathname}${window.location.search}`;
    const restoreFor = sessionStorage.getItem(RESTORE_DRAFTS_KEY);
    if (restoreFor !== null && (restoreFor === here || restoreFor === window.location.pathname)) {
      const saved = sessionStorage.getItem(key);
      if (saved) {
        try {
          applyDraft(element, JSON.parse(saved) as Record<string, string | boolean>);
        } catch {
          // a draft that cannot be read is dropped
        }
      }
      // Other forms of this page restore theirs in the same render; the flag goes once the page has settled.
      setTimeout(() => sessionStorage.removeItem(RESTORE_DRAFTS_KEY), 1000);
    }
    const save = () => sessionStorage.setItem(key, JSON.stringify(readDraft(element)));
    element.addEventListener("input", save);
    element.addEventListener("change", save);
    return () => {
      element.removeEventListener("input", save);
      element.removeEventListener("change", save);
    };
  }, [form, name]);
}
