"use client";
// After a form's action answers without leaving the page, the focus goes to the answer: the first field in error,
// else the result message, so a keyboard or screen reader user hears what happened instead of staying on a button.
import { type RefObject, useEffect } from "react";

export function useAnswerFocus(form: RefObject<HTMLElement | null>, answer: unknown) {
  useEffect(() => {
    if (!answer || typeof answer !== "object" || Object.keys(answer).length === 0) return;
    const root = form.current;
    if (!root) return;
    const target =
      root.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      root.querySelector<HTMLElement>("[data-result]") ??
      root.querySelector<HTMLElement>('.notice[tabindex="-1"]');
    target?.focus();
  }, [form, answer]);
}
