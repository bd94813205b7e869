"use client";
import Link from "next/link";
import { useActionState, useRef } from "react";
import type { EntraConnectionTest } from "../../../../../src/api/api-types";
import { useAnswerFocus } from "../../../../../src/components/answer-focus";
import { FormField, FormMessage, SecretField, SelectField } from "../../../../../src/components/form-field";
import { SubmitButton } from "../../../../../src/components/submit-button";
import { useFormDraft } from "../../../../../src/forms/form-draft";
import type { EntraStepState } from "../actions";

export interface SavedEntraStep {
  directoryId: string;
  clientId: string;
  cloud: string;
  /** The clouds this tenant may choose (the sandbox only in sandbox mode). */
  cloudOptions: readonly { value: string; label: string }[];
  hasClientSecret: boolean;
  /** YYYY-MM-DD, or "" when not known. */
  clientSecretExpiresOn?: string;
  /** YYYY-MM-DD read from the app registration in Entra when none was entered. */
  clientSecretExpiresOnInEntra?: string;
}

/** "20 December 2026" from YYYY-MM-DD. */
function dayInWords(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function EntraStepForm({
  tenantId,
  action,
  saved,
}: {
  tenantId: string;
  action: (previous: EntraStepState, formData: FormData) => Promise<EntraStepState>;
  saved: SavedEntraStep;
}) {
  const [state, submit] = useActionState(action, {});
  const form = useRef<HTMLFormElement>(null);
  useAnswerFocus(form, state);
  useFormDraft(form, "entra-step");
  const errors = state.fieldErrors ?? {};
  const value = (name: "directoryId" | "clientId" | "cloud" | "clientSecretExpiresOn") =>
    state.values?.[name] ?? saved[name] ?? "";
  return (
    <form id="entra-step-form" action={submit} noValidate ref={form}>
      <FormField
        name="directoryId"
        label="Directory (tenant) ID"
        autoComplete="off"
        spellCheck={false}
        defaultValue={value("directoryId")}
        error={errors.directoryId}
      />
      <FormField
        name="clientId"
        label="Application (client) ID"
        autoComplete="off"
        spellCheck={false}
        defaultValue={value("clientId")}
        error={errors.clientId}
      />
      <SecretField
        name="clientSecret"
        label="Client secret value"
        saved={saved.hasClientSecret}
        hint="The secret's Value from Certificates & secrets."
        error={errors.clientSecret}
      />
      <FormField
        name="clientSecretExpiresOn"
        label="Client secret expires on (optional)"
        type="date"
        defaultValue={value("clientSecretExpiresOn")}
        hint={
          saved.clientSecretExpiresOnInEntra
            ? `Microsoft Entra ID says the secret expires on ${dayInWords(saved.clientSecretExpiresOnInEntra)}; TechSync reminds you by email 30 days before. Enter a date only to override it.`
            : "The secret's Expires date in Certificates & secrets. TechSync reminds you by email 30 days before. Left empty, TechSync reads it from the app registration when the app may read it (Directory.Read.All)."
        }
        error={errors.clientSecretExpiresOn}
      />
      <SelectField
        name="cloud"
        label="Microsoft cloud"
        options={saved.cloudOptions}
        defaultValue={value("cloud")}
        hint="Global for most organisations. Changing it clears the saved client secret."
        error={errors.cloud}
      />
      <FormMessage ok={state.ok} message={state.test ? undefined : state.message} />
      {state.test ? (
        <div
          className={`notice ${state.test.ok ? "ok" : "bad"}`}
          role={state.test.ok ? "status" : "alert"}
          tabIndex={-1}
          data-result
        >
          <strong>{state.test.ok ? "Connected to Entra ID." : "The connection is not ready yet."}</strong>{" "}
          {state.test.message}
          {state.message ? <p>{state.message}</p> : null}
          <ul aria-label="Graph permissions">
            {state.test.permissions.map((p) => (
              <li key={p.permission}>
                <code>{p.permission}</code>{" "}
                <span className={`badge ${p.granted ? "granted" : "missing"}`}>
                  {p.granted ? "granted" : "missing"}
                </span>
              </li>
            ))}
          </ul>
          {notSaidYet(state.test).length ? (
            <ul>
              {notSaidYet(state.test).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="actions">
        <Link className="button secondary" href={`/t/${tenantId}/onboarding/rescue`}>
          Back
        </Link>
        <SubmitButton name="intent" value="test" className="secondary" pendingLabel="Testing…">
          Test
        </SubmitButton>
        <SubmitButton name="intent" value="next" pendingLabel="Testing and saving…">
          Save and continue
        </SubmitButton>
      </div>
    </form>
  );
}

/**
 * The test's summary lines the message and the permission list do not say already: each problem is said once.
 */
function notSaidYet(test: EntraConnectionTest): string[] {
  return test.summary.filter((line) => {
    const said = line.replace(/^(Could not sign in|What to do|Signed in[^:]*): /, "");
    if (test.message.includes(said)) return false;
    return !test.permissions.some((p) => line.startsWith(`${p.permission}:`));
  });
}
