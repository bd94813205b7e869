"use client";
import { useActionState, useRef, useState, useTransition } from "react";
import type { Role, TenantSettings } from "../../../../src/api/api-types";
import { ActionButton } from "../../../../src/components/action-button";
import { useAnswerFocus } from "../../../../src/components/answer-focus";
import { FormField, FormMessage, SecretField } from "../../../../src/components/form-field";
import { ShownOnce } from "../../../../src/components/shown-once";
import { SubmitButton } from "../../../../src/components/submit-button";
import { useFormDraft } from "../../../../src/forms/form-draft";
import type { FormState } from "../../../../src/forms/form-state";
import { AttributeMappingFields } from "../../../../src/mapping/attribute-mapping-fields";
import type { CreatedKeyState } from "./actions";

type Action<S> = (previous: S, formData: FormData) => Promise<S>;

export function TenantSettingsForm({ settings, action }: { settings: TenantSettings; action: Action<FormState> }) {
  const [state, submit] = useActionState(action, {});
  const form = useRef<HTMLFormElement>(null);
  useAnswerFocus(form, state);
  useFormDraft(form, "tenant-settings");
  const errors = state.fieldErrors ?? {};
  return (
    <form action={submit} noValidate ref={form}>
      <FormField name="name" label="Organisation name" defaultValue={settings.name} error={errors.name} />
      <FormField
        name="scheduleIntervalMinutes"
        label="Run every (minutes)"
        type="number"
        min={5}
        max={1440}
        defaultValue={settings.scheduleIntervalMinutes}
        hint="Between 5 and 1440 (once a day)."
        error={errors.scheduleIntervalMinutes}
      />
      <div className="field">
        <label>
          <input type="checkbox" name="paused" defaultChecked={settings.paused} /> Pause scheduled runs
        </label>
      </div>
      <fieldset className="card">
        <legend className="label">Safety threshold</legend>
        <p className="hint">
          A run that would disable more than this share of linked technicians applies nothing and waits for approval.
        </p>
        <FormField
          name="thresholdPercent"
          label="Percent of linked technicians"
          type="number"
          min={0}
          max={100}
          defaultValue={settings.safetyThreshold.percent}
          error={errors.thresholdPercent}
        />
        <FormField
          name="thresholdMinimum"
          label="But never fewer than (technicians)"
          type="number"
          min={0}
          defaultValue={settings.safetyThreshold.minimum}
          error={errors.thresholdMinimum}
        />
      </fieldset>
      <SecretField
        name="defaultPassword"
        label="Default password for new technicians"
        autoComplete="new-password"
        saved={settings.hasDefaultPassword}
        hint="Needed before technicians can be created."
        error={errors.defaultPassword}
      />
      <AttributeMappingFields saved={settings.attributeMapping} error={errors.attributeMapping} />
      <div className="field">
        <label>
          <input
            type="checkbox"
            name="includeGuests"
            defaultChecked={settings.includeGuests}
            aria-describedby="field-includeGuests-hint"
          />{" "}
          Include guest users
        </label>
        <p className="hint" id="field-includeGuests-hint">
          Guests invited from other organisations get technicians too (by their mail or invitation address); off, each
          run lists them as skipped.
        </p>
      </div>
      <div className="field">
        <label>
          <input
            type="checkbox"
            name="ssoIdFromEntra"
            defaultChecked={settings.ssoIdSource === "entra"}
            aria-describedby="field-ssoIdFromEntra-hint"
          />{" "}
          Entra ID is the source of SSO ids
        </label>
        <p className="hint" id="field-ssoIdFromEntra-hint">
          Off: an SSO id a technician already has in Rescue is never changed (only empty ones are filled), so a wrong
          value cannot lock anyone out of SSO login.
        </p>
      </div>
      <div className="field">
        <label>
          <input type="checkbox" name="sandboxMode" defaultChecked={settings.sandboxMode} /> Sandbox mode (use the
          emulators instead of real Rescue and Entra ID)
        </label>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
      <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>
    </form>
  );
}

export function MemberRow({
  member,
  canManage,
  changeRole,
  remove,
}: {
  member: { userId: string; email: string; name?: string | null; role: Role };
  canManage: boolean;
  changeRole: (role: Role) => Promise<FormState>;
  remove: () => Promise<FormState>;
}) {
  const [answer, setAnswer] = useState<FormState>({});
  const [pending, startTransition] = useTransition();
  return (
    <tr>
      <td data-label="Person">
        {member.name ?? member.email}
        <br />
        <span className="hint">{member.email}</span>
      </td>
      <td data-label="Role">
        {canManage ? (
          <select
            aria-label={`Role of ${member.email}`}
            defaultValue={member.role}
            disabled={pending}
            onChange={(event) => {
              const role = event.target.value as Role;
              startTransition(async () => setAnswer(await changeRole(role)));
            }}
          >
            <option value="owner">owner</option>
            <option value="admin">admin</option>
            <option value="viewer">viewer</option>
          </select>
        ) : (
          member.role
        )}
        <FormMessage ok={answer.ok} message={answer.message} />
      </td>
      <td data-label="">
        {canManage ? (
          <ActionButton
            action={remove}
            label="Remove"
            labelSuffix={member.email}
            pendingLabel="Removing…"
            className="secondary"
            confirm={`Remove ${member.email} from this organisation? They lose access at once.`}
          />
        ) : null}
      </td>
    </tr>
  );
}

export function CreateApiKeyForm({ action }: { action: Action<CreatedKeyState> }) {
  const [state, submit] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <>
      <form action={submit} noValidate>
        <FormField name="name" id="api-key-name" label="Key name" error={errors.name} />
        <fieldset aria-describedby={errors.scopes ? "api-key-scopes-error" : undefined}>
          <legend className="label">Scopes</legend>
          <label>
            <input type="checkbox" name="scopes" value="read" defaultChecked /> read
          </label>{" "}
          <label>
            <input type="checkbox" name="scopes" value="write" /> write
          </label>{" "}
          <label>
            <input type="checkbox" name="scopes" value="run" /> run
          </label>
          {errors.scopes ? (
            <p className="error-text" id="api-key-scopes-error">
              {errors.scopes}
            </p>
          ) : null}
        </fieldset>
        <div className="actions">
          <SubmitButton pendingLabel="Creating…">Create API key</SubmitButton>
        </div>
      </form>
      {state.key ? (
        <ShownOnce kind="api-key" value={state.key} message={state.message ?? ""} />
      ) : (
        <FormMessage ok={state.ok} message={state.message} />
      )}
    </>
  );
}
