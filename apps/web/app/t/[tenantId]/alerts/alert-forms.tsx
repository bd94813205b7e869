"use client";
// The alerts page's forms: the owners' events, an extra email recipient, a webhook (its signing secret shown once).
import { ALERT_EVENT_KINDS, ALERT_EVENT_LABELS, type AlertEventKind } from "@techsync/api-contract";
import { useActionState } from "react";
import { FormField, FormMessage } from "../../../../src/components/form-field";
import { ShownOnce } from "../../../../src/components/shown-once";
import { SubmitButton } from "../../../../src/components/submit-button";
import type { FormState } from "../../../../src/forms/form-state";
import type { CreatedWebhookState } from "./actions";

type Action<S> = (previous: S, formData: FormData) => Promise<S>;

/** One checkbox per event; "every successful run" is off unless chosen. */
function EventChoices({
  idPrefix,
  legend,
  chosen,
  error,
}: {
  idPrefix: string;
  legend: string;
  chosen: readonly AlertEventKind[];
  error?: string | undefined;
}) {
  return (
    <fieldset aria-describedby={error ? `${idPrefix}-events-error` : undefined}>
      <legend className="label">{legend}</legend>
      {ALERT_EVENT_KINDS.map((kind) => (
        <div key={kind}>
          <label>
            <input type="checkbox" name="events" value={kind} defaultChecked={chosen.includes(kind)} />{" "}
            {ALERT_EVENT_LABELS[kind]}
          </label>
        </div>
      ))}
      {error ? (
        <p className="error-text" id={`${idPrefix}-events-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

const DEFAULT_CHOICE: AlertEventKind[] = ["run_blocked", "run_failed", "tenant_quarantined", "credential_rejected"];

export function OwnerAlertsForm({ events, action }: { events: AlertEventKind[]; action: Action<FormState> }) {
  const [state, submit] = useActionState(action, {});
  return (
    <form action={submit} noValidate>
      <EventChoices idPrefix="owners" legend="Events the owners get by email" chosen={events} />
      <div className="actions">
        <SubmitButton pendingLabel="Saving…">Save owners' alerts</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}

export function AddRecipientForm({ action }: { action: Action<FormState> }) {
  const [state, submit] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={submit} noValidate>
      <FormField name="email" id="alert-recipient-email" label="Email address" type="email" error={errors.email} />
      <EventChoices
        idPrefix="recipient"
        legend="Events this address gets"
        chosen={DEFAULT_CHOICE}
        error={errors.events}
      />
      <div className="actions">
        <SubmitButton pendingLabel="Adding…">Add recipient</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}

export function AddWebhookForm({ action }: { action: Action<CreatedWebhookState> }) {
  const [state, submit] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <>
      <form action={submit} noValidate>
        <FormField
          name="url"
          id="alert-webhook-url"
          label="Webhook address"
          hint="An https address on the internet. Each alert is POSTed there as JSON, signed with the endpoint's secret."
          error={errors.url}
        />
        <EventChoices
          idPrefix="webhook"
          legend="Events this webhook gets"
          chosen={DEFAULT_CHOICE}
          error={errors.events}
        />
        <div className="actions">
          <SubmitButton pendingLabel="Adding…">Add webhook</SubmitButton>
        </div>
      </form>
      {state.secret ? (
        <ShownOnce kind="webhook-secret" value={state.secret} message={state.message ?? ""} />
      ) : (
        <FormMessage ok={state.ok} message={state.message} />
      )}
    </>
  );
}
