"use client";
import Link from "next/link";
import { useActionState, useRef } from "react";
import type { RescueConnectionTest } from "../../../../../src/api/api-types";
import { useAnswerFocus } from "../../../../../src/components/answer-focus";
import { FormField, FormMessage, SecretField, SelectField } from "../../../../../src/components/form-field";
import { SubmitButton } from "../../../../../src/components/submit-button";
import { useFormDraft } from "../../../../../src/forms/form-draft";
import type { RescueStepState } from "../actions";

export interface SavedRescueStep {
  email: string;
  region: string;
  /** The regions this tenant may choose (the sandbox only in sandbox mode). */
  regionOptions: readonly { value: string; label: string }[];
  hasPassword: boolean;
  hasApiToken: boolean;
  hasDefaultPassword: boolean;
  lastTest: { ok: boolean; message: string; at: string } | null;
  /** rule 15: the Rescue organisation recorded for the connection; null until Rescue could be asked. */
  organisation: { accountId: number; name: string } | null;
}

export function RescueStepForm({
  action,
  saved,
}: {
  action: (previous: RescueStepState, formData: FormData) => Promise<RescueStepState>;
  saved: SavedRescueStep;
}) {
  const [state, submit] = useActionState(action, {});
  const form = useRef<HTMLFormElement>(null);
  useAnswerFocus(form, state);
  useFormDraft(form, "rescue-step");
  const errors = state.fieldErrors ?? {};
  const value = (name: "email" | "region") => state.values?.[name] ?? saved[name];
  return (
    <form id="rescue-step-form" action={submit} noValidate ref={form}>
      <h2>Master Account Holder</h2>
      <FormField
        name="email"
        label="Email"
        type="email"
        autoComplete="off"
        defaultValue={value("email")}
        error={errors.email}
      />
      <SelectField
        name="region"
        label="Rescue region"
        options={saved.regionOptions}
        defaultValue={value("region")}
        hint="Where your Rescue organisation lives. Changing it clears the saved API token and password."
        error={errors.region}
      />
      <h2>API token</h2>
      <SecretField
        name="apiToken"
        label="API token"
        saved={saved.hasApiToken}
        hint={
          <>
            In the Rescue Admin Center: <strong>Global Settings</strong> › <strong>Generate API token</strong> ›{" "}
            <strong>Generate and Copy</strong>, then paste it here. Only the Master Account Holder or a Master
            Administrator can generate it.
          </>
        }
        error={errors.apiToken}
      />
      <SecretField
        name="password"
        label="Password (optional)"
        autoComplete="new-password"
        saved={saved.hasPassword}
        hint="The Master Account Holder's Rescue password: only needed if your organisation allows the login endpoint."
        error={errors.password}
      />
      <h2>New technicians</h2>
      <SecretField
        name="defaultPassword"
        label="Default password for new technicians"
        autoComplete="new-password"
        saved={saved.hasDefaultPassword}
        hint="Technicians TechSync creates sign in with it once and must change it at their first login."
        error={errors.defaultPassword}
      />
      <FormMessage ok={state.ok} message={state.test || state.move ? undefined : state.message} />
      {state.move ? (
        <div className="notice warn" role="alert">
          <p>{state.message}</p>
          <p>
            To move it, enter the API token (and password, if you use one) again above, then choose the button below.
          </p>
          <SubmitButton name="moveFrom" value={state.move.fromTenantId} pendingLabel="Moving…">
            Move it from “{state.move.fromTenantName}” to this tenant
          </SubmitButton>
        </div>
      ) : null}
      {saved.organisation && !state.move ? (
        <p className="hint">
          Connected organisation: {saved.organisation.name} (account {saved.organisation.accountId}).
        </p>
      ) : null}
      {state.test ? <RescueTestResult test={state.test} note={state.message} /> : null}
      {!state.test && saved.lastTest ? (
        <p className="hint">
          Last test {new Date(saved.lastTest.at).toLocaleString()}: {saved.lastTest.ok ? "connected" : "failed"} —{" "}
          {saved.lastTest.message}
        </p>
      ) : null}
      <div className="actions">
        <SubmitButton name="intent" value="test" className="secondary" pendingLabel="Testing…">
          Test connection
        </SubmitButton>
        <SubmitButton name="intent" value="next" pendingLabel="Testing and saving…">
          Save and continue
        </SubmitButton>
        <Link href="/">Cancel</Link>
      </div>
    </form>
  );
}

const CREDENTIAL_LABEL: Record<RescueConnectionTest["checks"][number]["credential"], string> = {
  apiToken: "API token",
  email: "Email",
  password: "Password",
};
const OUTCOME_LABEL: Record<RescueConnectionTest["checks"][number]["outcome"], string> = {
  passed: "OK",
  failed: "Failed",
  skipped: "Not checked",
};

/** The connection test, credential by credential, so a person sees which one to fix. */
function RescueTestResult({ test, note }: { test: RescueConnectionTest; note?: string }) {
  const { ok, message, warnings, checks } = test;
  return (
    <div className={`notice ${ok ? "ok" : "bad"}`} role={ok ? "status" : "alert"} tabIndex={-1} data-result>
      <strong>{ok ? "Connected to Rescue." : "Could not connect to Rescue."}</strong> {message}
      {note ? <p>{note}</p> : null}
      {checks.length ? (
        <ul aria-label="Checks">
          {checks.map((check) => (
            <li key={check.credential}>
              {CREDENTIAL_LABEL[check.credential]}: {OUTCOME_LABEL[check.outcome]} — {check.message}
            </li>
          ))}
        </ul>
      ) : null}
      {warnings.length ? (
        <ul aria-label="Warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
