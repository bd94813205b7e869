// A labelled input whose error sits right under it and is announced with it.

import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import type { FixLink as Fix } from "../api/field-labels";
import { FixLink } from "./fix-link";

interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
}

export function FormField({ name, label, hint, error, id, type = "text", ...input }: FormFieldProps) {
  const fieldId = id ?? `field-${name}`;
  const describedBy = [hint ? `${fieldId}-hint` : null, error ? `${fieldId}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p className="hint" id={`${fieldId}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={fieldId}
        name={name}
        type={type}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {error ? (
        <p className="error-text" id={`${fieldId}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface SecretFieldProps extends Omit<FormFieldProps, "type" | "placeholder" | "defaultValue" | "value"> {
  /** The API holds a value already: it is never echoed, only said to be there. */
  saved: boolean;
}

/** A write-only secret: empty means "keep what is saved"; a saved one shows as saved, never as its value. */
export function SecretField({ saved, hint, autoComplete = "off", ...field }: SecretFieldProps) {
  return (
    <FormField
      {...field}
      type="password"
      autoComplete={autoComplete}
      placeholder={saved ? "•••••••• (saved)" : undefined}
      hint={saved ? "Saved. Leave empty to keep it, or type a new one to replace it." : hint}
    />
  );
}

export function FormMessage({ ok, message, fix }: { ok?: boolean; message?: string; fix?: Fix }) {
  if (!message) return null;
  return (
    <div className={`notice ${ok ? "ok" : "bad"}`} role={ok ? "status" : "alert"} tabIndex={-1}>
      {message}
      {fix && !ok ? <FixLink fix={fix} /> : null}
    </div>
  );
}

interface SelectFieldProps extends SelectHTMLAttributes<HTMLSelectElement> {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  options: readonly { value: string; label: string }[];
}

/** A labelled choice from a fixed list, with its hint and error announced like a FormField's. */
export function SelectField({ name, label, hint, error, id, options, ...select }: SelectFieldProps) {
  const fieldId = id ?? `field-${name}`;
  const describedBy = [hint ? `${fieldId}-hint` : null, error ? `${fieldId}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      {hint ? (
        <p className="hint" id={`${fieldId}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={fieldId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <p className="error-text" id={`${fieldId}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
