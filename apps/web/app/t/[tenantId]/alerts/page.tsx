// The alerts page: who hears about this tenant's trouble (owners, extra addresses, webhooks), which events each
// gets, "Send test" for a webhook, and the delivery log of the latest attempts (docs/alerts.md).
import { ALERT_EVENT_LABELS, type AlertEventKind } from "@techsync/api-contract";
import type { Metadata } from "next";
import { ActionButton } from "../../../../src/components/action-button";
import { formatWhen } from "../../../../src/runs/run-words";
import { requireMemberships, requireTenantApi } from "../../../../src/server/portal-session";
import {
  addAlertRecipient,
  createAlertWebhook,
  removeAlertRecipient,
  removeAlertWebhook,
  saveOwnerAlerts,
  sendTestAlert,
} from "./actions";
import { AddRecipientForm, AddWebhookForm, OwnerAlertsForm } from "./alert-forms";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Alerts" };

function eventNames(events: readonly string[]): string {
  if (events.length === 0) return "none";
  return events.map((e) => ALERT_EVENT_LABELS[e as AlertEventKind] ?? "a test alert").join("; ");
}

export default async function Alerts({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const api = await requireTenantApi(tenantId);
  const { tenants } = await requireMemberships();
  const role = tenants.find((t) => t.id === tenantId)?.role ?? "viewer";
  const canChange = role !== "viewer";
  const [settings, attempts] = await Promise.all([api.alertSettings(), api.alertDeliveries()]);
  return (
    <>
      <h1>Alerts</h1>
      <p>
        TechSync tells people when a run is blocked or fails, when Rescue or Entra refuses the stored credential, when
        scheduled runs back off after repeated failures, and when the Entra client secret is about to expire.
      </p>
      {role === "viewer" ? <p className="hint">You have read-only access: changes will be refused.</p> : null}
      {settings.mailConfigured ? null : (
        <div className="notice warn" role="status">
          No mail server is configured for TechSync, so alerts by email cannot be sent yet. Webhooks still work.
        </div>
      )}

      <section className="card" aria-labelledby="owners">
        <h2 id="owners" style={{ marginTop: 0 }}>
          Owners
        </h2>
        <p className="hint">
          The organisation's owners get alerts by email: {settings.owners.emails.join(", ") || "no owners yet"}.
        </p>
        {canChange ? (
          <OwnerAlertsForm events={settings.owners.events} action={saveOwnerAlerts.bind(null, tenantId)} />
        ) : (
          <p>They get: {eventNames(settings.owners.events)}.</p>
        )}
      </section>

      <section className="card" aria-labelledby="recipients">
        <h2 id="recipients" style={{ marginTop: 0 }}>
          Other email recipients
        </h2>
        {settings.recipients.length === 0 ? (
          <p className="hint">Nobody else gets alerts by email.</p>
        ) : (
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Email address</th>
                <th scope="col">Events</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {settings.recipients.map((recipient) => (
                <tr key={recipient.id}>
                  <td data-label="Email address">{recipient.email}</td>
                  <td data-label="Events">{eventNames(recipient.events)}</td>
                  <td data-label="Actions">
                    {canChange ? (
                      <ActionButton
                        action={removeAlertRecipient.bind(null, tenantId, recipient.id)}
                        label="Remove"
                        pendingLabel="Removing…"
                        className="danger"
                        confirm={`Stop sending alerts to ${recipient.email}?`}
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canChange ? (
          <>
            <h3>Add a recipient</h3>
            <AddRecipientForm action={addAlertRecipient.bind(null, tenantId)} />
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="webhooks">
        <h2 id="webhooks" style={{ marginTop: 0 }}>
          Webhooks
        </h2>
        {settings.webhooks.length === 0 ? (
          <p className="hint">No webhooks yet.</p>
        ) : (
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">Events</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {settings.webhooks.map((webhook) => (
                <tr key={webhook.id}>
                  <td data-label="Address" style={{ overflowWrap: "anywhere" }}>
                    {webhook.url}
                  </td>
                  <td data-label="Events">{eventNames(webhook.events)}</td>
                  <td data-label="Actions">
                    {canChange ? (
                      <div className="actions">
                        <ActionButton
                          action={sendTestAlert.bind(null, tenantId, webhook.id)}
                          label="Send test"
                          pendingLabel="Sending…"
                          className="secondary"
                        />
                        <ActionButton
                          action={removeAlertWebhook.bind(null, tenantId, webhook.id)}
                          label="Remove"
                          pendingLabel="Removing…"
                          className="danger"
                          confirm={`Remove the webhook ${webhook.url}? It gets no more alerts.`}
                        />
                      </div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {canChange ? (
          <>
            <h3>Add a webhook</h3>
            <AddWebhookForm action={createAlertWebhook.bind(null, tenantId)} />
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="deliveries">
        <h2 id="deliveries" style={{ marginTop: 0 }}>
          Delivery log
        </h2>
        <p className="hint">
          The latest attempts, newest first. A failed attempt is tried again a few times, waiting longer each time.
        </p>
        {attempts.length === 0 ? (
          <p className="hint">No alerts have been sent yet.</p>
        ) : (
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Alert</th>
                <th scope="col">To</th>
                <th scope="col">Result</th>
                <th scope="col">Answer</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((attempt) => (
                <tr key={attempt.id}>
                  <td data-label="When">{formatWhen(attempt.at)}</td>
                  <td data-label="Alert">{eventNames([attempt.event])}</td>
                  <td data-label="To" style={{ overflowWrap: "anywhere" }}>
                    {attempt.channel === "email" ? `Email to ${attempt.target}` : `Webhook ${attempt.target}`}
                  </td>
                  <td data-label="Result">
                    {attempt.ok ? "Delivered" : "Not delivered"}
                    {attempt.statusCode !== null ? ` (status ${attempt.statusCode})` : ""}
                    {attempt.error ? `: ${attempt.error}` : ""}
                  </td>
                  <td data-label="Answer" style={{ overflowWrap: "anywhere" }}>
                    {attempt.responseExcerpt ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
