"use client";
import { useActionState } from "react";
import { FormField, FormMessage } from "../../../src/components/form-field";
import { SubmitButton } from "../../../src/components/submit-button";
import { createOrganisation } from "./actions";

export function NewOrganisationForm() {
  const [state, submit] = useActionState(createOrganisation, {});
  return (
    <form action={submit} noValidate>
      <FormMessage ok={state.ok} message={state.message} />
      <FormField name="name" label="Organisation name" error={state.fieldErrors?.name} />
      <SubmitButton pendingLabel="Creating…">Create and set up</SubmitButton>
    </form>
  );
}
