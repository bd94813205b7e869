"use client";
// "Try with demo data", and the confirmation it asks for first on an organisation with connections of its own: an
// in-page section naming what would be replaced and removed, with two buttons (the server checks the confirm).
import { useActionState } from "react";
import type { DemoDataState } from "../../app/t/[tenantId]/onboarding/actions";
import { FormMessage } from "../components/form-field";
import { SubmitButton } from "../components/submit-button";

export function DemoDataButton({
  action,
}: {
  action: (previous: DemoDataState, formData: FormData) => Promise<DemoDataState>;
}) {
  const [state, submit] = useActionState(action, {});
  const replacement = state.replacement;
  if (!replacement) {
    return (
      <form action={submit} style={{ display: "inline-block" }}>
        <input type="hidden" name="intent" value="try" />
        <SubmitButton className="secondary" pendingLabel="Filling in the demo values…">
          Try with demo data
        </SubmitButton>
        <FormMessage ok={state.ok} message={state.message} />
      </form>
    );
  }
  const pairs = replacement.pairs.length;
  return (
    <section className="notice warn" aria-labelledby="demo-data-confirm">
      <h2 id="demo-data-confirm">Replace your own connections with the demo data?</h2>
      <p>The demo data uses the sandbox's Rescue organisation and Entra directory. It would:</p>
      <ul>
        {replacement.rescueEmail ? (
          <li>
            replace your Rescue connection (Master Account Holder <strong>{replacement.rescueEmail}</strong>);
          </li>
        ) : null}
        {replacement.entraDirectoryId ? (
          <li>
            replace your Entra connection (directory <strong>{replacement.entraDirectoryId}</strong>);
          </li>
        ) : null}
        <li>
          {pairs === 0
            ? "remove no group pairs (you have none yet)."
            : `remove ${pairs === 1 ? "the 1 group pair" : `the ${pairs} group pairs`} made with them, since their groups belong to your directory and organisation, not the sandbox's:`}
          {pairs ? (
            <ul aria-label="Group pairs that would be removed">
              {replacement.pairs.map((pair) => (
                <li key={pair.id}>{pair.name}</li>
              ))}
            </ul>
          ) : null}
        </li>
      </ul>
      <div className="actions">
        <form action={submit}>
          <input type="hidden" name="intent" value="replace" />
          <input type="hidden" name="confirmed" value={replacement.key} />
          <SubmitButton pendingLabel="Replacing with the demo data…">Replace with demo data</SubmitButton>
        </form>
        <form action={submit}>
          <input type="hidden" name="intent" value="keep" />
          <SubmitButton className="secondary" pendingLabel="Keeping them…">
            Keep my connections
          </SubmitButton>
        </form>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </section>
  );
}
