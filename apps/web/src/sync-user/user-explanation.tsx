// The decision for one user, step by step, as "Sync this user now" answers it: each pair's verdict with its reason,
// the technician it matches, the actions and their result.
import type { SyncUserReply } from "../api/api-types";

type Explanation = NonNullable<SyncUserReply["explanation"]>;

const RESULT_WORDS: Record<Explanation["result"]["status"], string> = {
  applied: "Done",
  failed: "Failed",
  "nothing-to-do": "Nothing to do",
  "dry-run": "Dry run",
  blocked: "Waiting for approval",
  cancelled: "Cancelled",
};

function Mark({ ok }: { ok: boolean }) {
  return (
    <span aria-hidden="true" className={ok ? "mark ok" : "mark no"}>
      {ok ? "✓" : "✗"}
    </span>
  );
}

export function UserExplanationSteps({ explanation, dryRun }: { explanation: Explanation; dryRun: boolean }) {
  return (
    <ol className="explanation" data-explanation>
      <li>
        <strong>Pairs</strong>
        {explanation.pairs.length === 0 ? (
          <p className="hint">No pairs are configured.</p>
        ) : (
          <ul>
            {explanation.pairs.map((pair) => (
              <li key={pair.mappingId} data-pair-verdict={pair.verdict}>
                <Mark ok={pair.verdict === "in-scope"} />{" "}
                <span className="sr-only">{pair.verdict === "in-scope" ? "Passes: " : "Does not pass: "}</span>
                {pair.sentence}
                {pair.createsHere ? " (a new technician would be created here)" : ""}
              </li>
            ))}
          </ul>
        )}
      </li>
      <li>
        <strong>Technician</strong>
        <p data-match={explanation.match.by}>{explanation.match.sentence}</p>
      </li>
      <li>
        <strong>Action</strong>
        {explanation.actions.length === 0 ? (
          <p>None: nothing differs between Entra and Rescue for this user.</p>
        ) : (
          <ul>
            {explanation.actions.map((action) => (
              <li key={action.id} data-action-kind={action.kind}>
                {action.sentence}
              </li>
            ))}
          </ul>
        )}
      </li>
      <li>
        <strong>Result</strong>
        <p data-result={explanation.result.status}>
          {/* A dry run's sentence says so itself. */}
          {explanation.result.status === "dry-run"
            ? explanation.result.sentence
            : `${RESULT_WORDS[explanation.result.status]}: ${explanation.result.sentence}`}
          {dryRun && explanation.result.status !== "dry-run"
            ? " (dry run: this tenant has not started syncing, so nothing is changed in Rescue)"
            : ""}
        </p>
      </li>
    </ol>
  );
}
