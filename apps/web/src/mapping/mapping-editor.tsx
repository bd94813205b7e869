"use client";
// The mapping editor: every pair in priority order, each editable in place (its Rescue group, its conditions joined
// by all/any, each include or exclude, and whether nested groups count). Priority is the order: drag a pair, or use
// its "Move up"/"Move down" buttons (announced for screen readers), then save the whole order in one call. Every
// change is estimated (a preview planned with it) and shown before it is saved; a change from a stale page is
// refused by the API and said so in words.
import { type DragEvent, useId, useRef, useState, useTransition } from "react";
import type { PairPatch } from "../api/api-client";
import {
  filterAttributes,
  filterOperators,
  type GroupMapping,
  type MappingProposal,
  type RescueGroup,
} from "../api/api-types";
import type { FormState } from "../forms/form-state";
import { ChangeConfirmDialog } from "./change-confirm-dialog";
import type { ChangeEstimate } from "./change-estimate";
import { describeConditions } from "./describe-conditions";
import { attributeLabels, operatorLabels } from "./filter-words";
import { rescueGroupLabel } from "./rescue-group-tree";

export interface MappingEditorProps {
  mappings: GroupMapping[];
  rescueGroups: RescueGroup[];
  estimateChange: (proposal: MappingProposal, change: string) => Promise<ChangeEstimate>;
  savePair: (mappingId: string, patch: PairPatch) => Promise<FormState>;
  reorderPairs: (order: { id: string; version: number }[]) => Promise<FormState>;
}

type Condition = GroupMapping["conditions"]["conditions"][number];
interface Draft {
  rescueGroupId: number;
  transitive: boolean;
  combinator: "all" | "any";
  conditions: Condition[];
}

interface PendingChange {
  question: string;
  confirmLabel: string;
  estimate?: ChangeEstimate;
  apply: () => Promise<FormState>;
}

const pairName = (m: GroupMapping) => `${m.entraGroupName} → ${m.rescueGroupName}`;
const blankCondition = (): Condition => ({ attribute: "department", operator: "equals", value: "", mode: "include" });

export function MappingEditor(props: MappingEditorProps) {
  const ids = useId();
  const [order, setOrder] = useState<string[]>(() => props.mappings.map((m) => m.id));
  const [announcement, setAnnouncement] = useState("");
  const [editing, setEditing] = useState<string>();
  const [draft, setDraft] = useState<Draft>();
  const [draftError, setDraftError] = useState<string>();
  const [answer, setAnswer] = useState<FormState>({});
  const [change, setChange] = useState<PendingChange>();
  const [pending, startTransition] = useTransition();
  const dragged = useRef<string | null>(null);
  const opener = useRef<HTMLElement | null>(null);

  // The saved order (from the server) wins whenever the pairs themselves change (a save, a refresh).
  const savedOrder = props.mappings.map((m) => m.id);
  const savedKey = props.mappings.map((m) => `${m.id}:${m.version}`).join(",");
  const [seenKey, setSeenKey] = useState(savedKey);
  if (seenKey !== savedKey) {
    setSeenKey(savedKey);
    setOrder(savedOrder);
  }
  const byId = new Map(props.mappings.map((m) => [m.id, m]));
  const ordered = order.map((id) => byId.get(id)).filter((m): m is GroupMapping => m !== undefined);
  const reordered = order.join(",") !== savedOrder.join(",");

  function move(id: string, to: number) {
    const from = order.indexOf(id);
    if (from < 0 || to < 0 || to >= order.length || from === to) return;
    const next = [...order];
    next.splice(from, 1);
    next.splice(to, 0, id);
    setOrder(next);
    const pair = byId.get(id);
    setAnnouncement(
      `${pair ? pairName(pair) : "The pair"} moved to position ${to + 1} of ${next.length}. Save the order to keep it.`,
    );
  }

  function review(proposal: MappingProposal, words: string, pendingChange: Omit<PendingChange, "estimate">) {
    setAnswer({});
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setChange(pendingChange);
    props.estimateChange(proposal, words).then(
      (estimate) => setChange((now) => (now?.apply === pendingChange.apply ? { ...now, estimate } : now)),
      (error: unknown) =>
        setChange((now) =>
          now?.apply === pendingChange.apply
            ? {
                ...now,
                estimate: {
                  outcome: "unavailable",
                  summary: `No estimate: ${error instanceof Error ? error.message : "it failed"}.`,
                  disables: [],
                  disableCount: 0,
                  moves: [],
                  moveCount: 0,
                },
              }
            : now,
        ),
    );
  }

  function closeChange() {
    setChange(undefined);
    opener.current?.focus();
  }

  function confirmChange() {
    if (!change) return;
    startTransition(async () => {
      const result = await change.apply();
      setAnswer(result);
      closeChange();
      if (result.ok) {
        setEditing(undefined);
        setDraft(undefined);
      }
    });
  }

  function saveOrder() {
    const versions = order.map((id) => ({ id, version: byId.get(id)?.version ?? 0 }));
    const names = ordered.map((m, i) => `${i + 1}. ${pairName(m)}`).join(", ");
    review({ change: "reorder", order }, "Saving the new order of the pairs", {
      question: `Save this order of the pairs (${names})?`,
      confirmLabel: "Save the order",
      apply: () => props.reorderPairs(versions),
    });
  }

  function startEditing(mapping: GroupMapping) {
    setEditing(mapping.id);
    setDraftError(undefined);
    setDraft({
      rescueGroupId: mapping.rescueGroupId,
      transitive: mapping.transitive,
      combinator: mapping.conditions.combinator,
      conditions: mapping.conditions.conditions.map((c) => ({ ...c })),
    });
  }

  function saveDraft(mapping: GroupMapping) {
    if (!draft) return;
    const conditions = draft.conditions.map((c) => ({ ...c, value: c.value.trim() }));
    const empty = conditions.findIndex((c) => c.value === "");
    if (empty >= 0) {
      setDraftError(`Condition ${empty + 1} needs a value to compare with, or remove it.`);
      return;
    }
    setDraftError(undefined);
    const next = { combinator: draft.combinator, conditions };
    const rescueChanged = draft.rescueGroupId !== mapping.rescueGroupId;
    const patch: PairPatch = {
      conditions: next,
      transitive: draft.transitive,
      ...(rescueChanged ? { rescueGroupId: draft.rescueGroupId } : {}),
      version: mapping.version,
    };
    const name = pairName(mapping);
    review(
      {
        change: "update",
        mappingId: mapping.id,
        conditions: next,
        transitive: draft.transitive,
        ...(rescueChanged ? { rescueGroupId: draft.rescueGroupId } : {}),
      },
      `Changing ${name}`,
      {
        question: `Save the changes to ${name}: ${describeConditions(next)}; ${draft.transitive ? "nested groups included" : "direct members only"}?`,
        confirmLabel: "Save the pair",
        apply: () => props.savePair(mapping.id, patch),
      },
    );
  }

  const onDragStart = (id: string) => (event: DragEvent) => {
    dragged.current = id;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", id);
  };
  const onDrop = (index: number) => (event: DragEvent) => {
    event.preventDefault();
    const id = dragged.current ?? event.dataTransfer.getData("text/plain");
    dragged.current = null;
    if (id) move(id, index);
  };

  const updateCondition = (index: number, patch: Partial<Condition>) =>
    setDraft((d) => (d ? { ...d, conditions: d.conditions.map((c, i) => (i === index ? { ...c, ...patch } : c)) } : d));

  if (props.mappings.length === 0) {
    return <p className="hint">No pairs yet. Add one in the setup's step 3 (Pair groups).</p>;
  }
  return (
    <div className="mapping-editor">
      <p id={`${ids}-order-hint`} className="hint">
        The first pair wins when a user is in several. Drag a pair, or use its Move up and Move down buttons, then save
        the order.
      </p>
      <p className="sr-only" aria-live="assertive" role="status">
        {announcement}
      </p>
      <ol className="pair-list" aria-describedby={`${ids}-order-hint`}>
        {ordered.map((mapping, index) => {
          const name = pairName(mapping);
          const isEditing = editing === mapping.id && draft;
          return (
            <li
              key={mapping.id}
              className="card pair"
              draggable={!isEditing}
              onDragStart={onDragStart(mapping.id)}
              onDragOver={(event) => event.preventDefault()}
              onDrop={onDrop(index)}
              data-pair={name}
            >
              <div className="pair-head">
                <h2 className="pair-name">
                  <span className="hint">{index + 1}.</span> {mapping.entraGroupName} <span aria-hidden="true">→</span>
                  <span className="sr-only">to</span> {mapping.rescueGroupName}
                </h2>
                <div className="pair-moves">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => move(mapping.id, index - 1)}
                    disabled={index === 0 || pending}
                  >
                    Move up<span className="sr-only"> {name}</span>
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => move(mapping.id, index + 1)}
                    disabled={index === ordered.length - 1 || pending}
                  >
                    Move down<span className="sr-only"> {name}</span>
                  </button>
                </div>
              </div>
              <p className="hint">
                {describeConditions(mapping.conditions)} ·{" "}
                {mapping.transitive ? "nested groups included" : "direct members only"}
              </p>
              {isEditing ? (
                <fieldset className="pair-edit">
                  <legend>Edit {name}</legend>
                  <div className="field">
                    <label htmlFor={`${ids}-${mapping.id}-rescue`}>Rescue technician group</label>
                    <select
                      id={`${ids}-${mapping.id}-rescue`}
                      value={draft.rescueGroupId}
                      onChange={(event) => setDraft({ ...draft, rescueGroupId: Number(event.target.value) })}
                    >
                      {props.rescueGroups.some((g) => g.id === mapping.rescueGroupId) ? null : (
                        <option value={mapping.rescueGroupId}>{mapping.rescueGroupName} (not in Rescue now)</option>
                      )}
                      {props.rescueGroups.map((group) => (
                        <option key={group.id} value={group.id}>
                          {rescueGroupLabel(group)}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label>
                      <input
                        type="checkbox"
                        checked={draft.transitive}
                        onChange={(event) => setDraft({ ...draft, transitive: event.target.checked })}
                      />{" "}
                      Include members of nested groups
                    </label>
                  </div>
                  <fieldset>
                    <legend className="label">Who passes the conditions</legend>
                    <label>
                      <input
                        type="radio"
                        name={`${ids}-${mapping.id}-combinator`}
                        checked={draft.combinator === "all"}
                        onChange={() => setDraft({ ...draft, combinator: "all" })}
                      />{" "}
                      Users who pass all conditions
                    </label>{" "}
                    <label>
                      <input
                        type="radio"
                        name={`${ids}-${mapping.id}-combinator`}
                        checked={draft.combinator === "any"}
                        onChange={() => setDraft({ ...draft, combinator: "any" })}
                      />{" "}
                      Users who pass any condition
                    </label>
                  </fieldset>
                  {draft.conditions.length === 0 ? (
                    <p className="hint">No conditions: everyone in the group is in scope.</p>
                  ) : (
                    <ol className="conditions">
                      {draft.conditions.map((condition, i) => {
                        const at = `${ids}-${mapping.id}-c${i}`;
                        return (
                          <li key={at} className="filters">
                            <div className="field">
                              <label htmlFor={`${at}-mode`}>Condition {i + 1}</label>
                              <select
                                id={`${at}-mode`}
                                value={condition.mode}
                                onChange={(event) =>
                                  updateCondition(i, { mode: event.target.value as Condition["mode"] })
                                }
                              >
                                <option value="include">Include where</option>
                                <option value="exclude">Exclude where</option>
                              </select>
                            </div>
                            <div className="field">
                              <label htmlFor={`${at}-attribute`}>Attribute</label>
                              <select
                                id={`${at}-attribute`}
                                value={condition.attribute}
                                onChange={(event) =>
                                  updateCondition(i, { attribute: event.target.value as Condition["attribute"] })
                                }
                              >
                                {filterAttributes.map((attribute) => (
                                  <option key={attribute} value={attribute}>
                                    {attributeLabels[attribute]}
                                  </option>
                                ))}
                              </select>
                            </div>
                            <div className="field">
                              <label htmlFor={`${at}-operator`}>Comparison</label>
                              <select
                                id={`${at}-operator`}
                                value={condition.operator}
                                onChange={(event) =>
                                  updateCondition(i, { operator: event.target.value as Condition["operator"] })
                                }
                              >
                                {filterOperators.map((operator) => (
                                  <option key={operator} value={operator}>
                                    {operatorLabels[operator]}
                                  </option>
                                ))}
                              </select>
                            </div>
                            <div className="field">
                              <label htmlFor={`${at}-value`}>Value</label>
                              <input
                                id={`${at}-value`}
                                type="text"
                                value={condition.value}
                                onChange={(event) => updateCondition(i, { value: event.target.value })}
                              />
                            </div>
                            <button
                              type="button"
                              className="secondary"
                              onClick={() =>
                                setDraft({ ...draft, conditions: draft.conditions.filter((_, j) => j !== i) })
                              }
                            >
                              Remove condition {i + 1}
                            </button>
                          </li>
                        );
                      })}
                    </ol>
                  )}
                  <div className="actions">
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => setDraft({ ...draft, conditions: [...draft.conditions, blankCondition()] })}
                    >
                      Add a condition
                    </button>
                    <button type="button" onClick={() => saveDraft(mapping)} disabled={pending}>
                      Review and save
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        setEditing(undefined);
                        setDraft(undefined);
                      }}
                    >
                      Cancel
                    </button>
                  </div>
                  {draftError ? (
                    <p className="error-text" role="alert">
                      {draftError}
                    </p>
                  ) : null}
                </fieldset>
              ) : (
                <button
                  type="button"
                  className="secondary"
                  onClick={() => startEditing(mapping)}
                  disabled={pending || Boolean(editing)}
                >
                  Edit<span className="sr-only"> {name}</span>
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {reordered ? (
        <div className="actions">
          <button type="button" onClick={saveOrder} disabled={pending}>
            Review and save the order
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setOrder(savedOrder);
              setAnnouncement("The saved order is back.");
            }}
          >
            Undo the new order
          </button>
        </div>
      ) : null}
      {change ? (
        <ChangeConfirmDialog
          question={change.question}
          estimate={change.estimate}
          confirmLabel={change.confirmLabel}
          busy={pending}
          onConfirm={confirmChange}
          onCancel={closeChange}
        />
      ) : null}
      <div aria-live="polite">
        {answer.message ? (
          <div className={`notice ${answer.ok ? "ok" : "bad"}`} role={answer.ok ? "status" : "alert"}>
            {answer.message}
          </div>
        ) : null}
      </div>
    </div>
  );
}
