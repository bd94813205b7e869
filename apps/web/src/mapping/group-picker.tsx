"use client";
// Wizard step 3: the seed's three-column picker. Entra groups (searched on the server) | Rescue technician
// groups (a tree) | selected pairs, with arrow buttons between. Radio groups make it keyboard-usable:
// Tab moves between columns, arrow keys move within one, Space selects.
import { useEffect, useId, useRef, useState, useTransition } from "react";
import type { MappingFilter, MappingProposal } from "../api/api-types";
import {
  type EntraGroup,
  filterAttributes,
  filterOperators,
  type GroupMapping,
  type RescueGroup,
} from "../api/api-types";
import type { FormState } from "../forms/form-state";
import { ChangeConfirmDialog } from "./change-confirm-dialog";
import type { ChangeEstimate } from "./change-estimate";
import { describeConditions } from "./describe-conditions";
import { attributeLabels, operatorLabels } from "./filter-words";
import { buildRescueGroupTree, type RescueGroupNode, rescueGroupLabel } from "./rescue-group-tree";

export interface EntraGroupPage {
  groups: EntraGroup[];
  nextPageToken?: string;
  /** Every group matching the search in the whole directory, when Graph said. */
  totalCount?: number | null;
  /** Set when the search failed, in plain words. */
  message?: string;
}

export interface GroupPickerProps {
  rescueGroups: RescueGroup[];
  mappings: GroupMapping[];
  initialEntraGroups: EntraGroupPage;
  searchEntraGroups: (search: string, pageToken?: string) => Promise<EntraGroupPage>;
  addPair: (input: Record<string, string>) => Promise<FormState>;
  removePair: (mappingId: string) => Promise<FormState>;
  /**
   * Estimates a change before it is saved (a preview planned with it); `change` names it in the estimate's words.
   * Without it, pairs are removed at once (and existing pairs' filters and priorities cannot be changed here).
   */
  estimateChange?: (proposal: MappingProposal, change: string) => Promise<ChangeEstimate>;
  /** Saves a pair's new filter or priority (after its estimate). */
  changePair?: (mappingId: string, patch: { filter?: MappingFilter | null; priority?: number }) => Promise<FormState>;
}

/** A change waiting for the person's confirmation, with its estimate once made. */
interface PendingChange {
  question: string;
  confirmLabel: string;
  estimate?: ChangeEstimate;
  apply: () => Promise<FormState>;
}

const count = (n: number) => n.toLocaleString("en-GB");

function memberWords(n: number): string {
  return n === 1 ? "1 member" : `${count(n)} members`;
}

/** "1,500 groups; showing 50", or "3 groups matching “help”" when all are shown. */
export function groupCountWords(page: EntraGroupPage, searched: string): string {
  const matching = searched ? ` matching “${searched}”` : "";
  const shown = page.groups.length;
  const total = typeof page.totalCount === "number" ? page.totalCount : undefined;
  if (total === undefined)
    return `${count(shown)} group${shown === 1 ? "" : "s"}${matching}${page.nextPageToken ? " shown; more to load" : ""}`;
  const groups = `${count(total)} group${total === 1 ? "" : "s"}${matching}`;
  return shown < total ? `${groups}; showing ${count(shown)}` : groups;
}

export function describeFilter(filter: GroupMapping["filter"]): string {
  if (!filter) return "everyone in the group";
  return `only where ${attributeLabels[filter.attribute] ?? filter.attribute} ${operatorLabels[filter.operator] ?? filter.operator} “${filter.value}”`;
}

export function GroupPicker(props: GroupPickerProps) {
  const ids = useId();
  const [search, setSearch] = useState("");
  const [entra, setEntra] = useState<EntraGroupPage>(props.initialEntraGroups);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string>();
  const [entraId, setEntraId] = useState<string>();
  const [rescueId, setRescueId] = useState<number>();
  const [pairId, setPairId] = useState<string>();
  const [filter, setFilter] = useState({ attribute: "", operator: "equals", value: "" });
  const [answer, setAnswer] = useState<FormState>({});
  const [pending, startTransition] = useTransition();
  const [change, setChange] = useState<PendingChange>();
  // Where focus was when the dialog opened: it goes back there when the dialog closes.
  const opener = useRef<HTMLElement | null>(null);
  const closeChange = () => {
    setChange(undefined);
    opener.current?.focus();
  };
  const { searchEntraGroups } = props;

  // Server-side search, a moment after the person stops typing.
  const [searched, setSearched] = useState("");
  useEffect(() => {
    if (search === searched) return;
    const timer = setTimeout(() => {
      setSearching(true);
      setSearchError(undefined);
      searchEntraGroups(search)
        .then((page) => {
          if (page.message) setSearchError(page.message);
          else setEntra(page);
          setSearched(search);
        })
        .catch((error: unknown) => setSearchError(error instanceof Error ? error.message : "The search failed."))
        .finally(() => setSearching(false));
    }, 300);
    return () => clearTimeout(timer);
  }, [search, searched, searchEntraGroups]);

  function loadMore() {
    if (!entra.nextPageToken) return;
    setSearching(true);
    searchEntraGroups(searched, entra.nextPageToken)
      .then((page) =>
        page.message
          ? setSearchError(page.message)
          : setEntra({
              groups: [...entra.groups, ...page.groups],
              nextPageToken: page.nextPageToken,
              totalCount: page.totalCount ?? entra.totalCount,
            }),
      )
      .catch((error: unknown) => setSearchError(error instanceof Error ? error.message : "Loading more failed."))
      .finally(() => setSearching(false));
  }

  /** The list read again from Entra (groups added or renamed since, e.g. in another tab or in Entra itself). */
  function refresh() {
    setSearching(true);
    setSearchError(undefined);
    searchEntraGroups(searched)
      .then((page) => (page.message ? setSearchError(page.message) : setEntra(page)))
      .catch((error: unknown) => setSearchError(error instanceof Error ? error.message : "Refreshing failed."))
      .finally(() => setSearching(false));
  }

  const entraGroup = entra.groups.find((g) => g.id === entraId);
  const rescueGroup = props.rescueGroups.find((g) => g.id === rescueId);

  function add() {
    if (!entraGroup || !rescueGroup) {
      setAnswer({
        ok: false,
        message: !entraGroup
          ? "Choose an Entra group in the first column."
          : "Choose a Rescue technician group in the second column.",
      });
      return;
    }
    startTransition(async () => {
      const result = await props.addPair({
        entraGroupId: entraGroup.id,
        entraGroupName: entraGroup.displayName,
        rescueGroupId: String(rescueGroup.id),
        rescueGroupName: rescueGroupLabel(rescueGroup),
        filterAttribute: filter.attribute,
        filterOperator: filter.operator,
        filterValue: filter.value,
      });
      setAnswer(result);
      if (result.ok) {
        setFilter({ attribute: "", operator: "equals", value: "" });
        setEntraId(undefined);
      }
    });
  }

  const pairLabel = (mappingId: string) => {
    const pair = props.mappings.find((m) => m.id === mappingId);
    return pair ? `${pair.entraGroupName} → ${pair.rescueGroupName}` : "this pair";
  };

  /** Shows the change's estimate in the dialog, then applies it only when the person confirms. */
  function review(proposal: MappingProposal, words: string, pending: Omit<PendingChange, "estimate">) {
    const estimateChange = props.estimateChange;
    if (!estimateChange) return;
    setAnswer({});
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setChange(pending);
    estimateChange(proposal, words).then(
      (estimate) => setChange((now) => (now?.apply === pending.apply ? { ...now, estimate } : now)),
      (error: unknown) =>
        setChange((now) =>
          now?.apply === pending.apply
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

  function confirmChange() {
    if (!change) return;
    startTransition(async () => {
      const result = await change.apply();
      setAnswer(result);
      closeChange();
      if (result.ok) setPairId(undefined);
    });
  }

  function remove() {
    if (!pairId) {
      setAnswer({ ok: false, message: "Choose a pair in the third column to remove." });
      return;
    }
    if (props.estimateChange) {
      const label = pairLabel(pairId);
      review({ change: "remove", mappingId: pairId }, `Removing ${label}`, {
        question: `Remove ${label}?`,
        confirmLabel: "Remove the pair",
        apply: () => props.removePair(pairId),
      });
      return;
    }
    startTransition(async () => {
      const result = await props.removePair(pairId);
      setAnswer(result);
      if (result.ok) setPairId(undefined);
    });
  }

  function changeFilter() {
    const changePair = props.changePair;
    if (!pairId || !changePair) {
      setAnswer({ ok: false, message: "Choose a pair in the third column whose filter to change." });
      return;
    }
    const value = filter.value.trim();
    if (filter.attribute && !value) {
      setAnswer({
        ok: false,
        message: "Type the value the filter compares with, or choose “No filter”.",
        fieldErrors: { filterValue: "Type a value." },
      });
      return;
    }
    const next = filter.attribute
      ? ({ attribute: filter.attribute, operator: filter.operator, value } as MappingFilter)
      : null;
    const label = pairLabel(pairId);
    review(
      { change: "update", mappingId: pairId, filter: next },
      `Changing the filter of ${label} to ${describeFilter(next)}`,
      {
        question: `Change the filter of ${label} to ${describeFilter(next)}?`,
        confirmLabel: "Change the filter",
        apply: () => changePair(pairId, { filter: next }),
      },
    );
  }

  /** rule 8: the chosen pair gets first say over users in several pairs (a lower priority number than the others). */
  function putFirst() {
    const changePair = props.changePair;
    const chosen = props.mappings.find((m) => m.id === pairId);
    if (!chosen || !changePair) {
      setAnswer({ ok: false, message: "Choose a pair in the third column to put first." });
      return;
    }
    const others = props.mappings.filter((m) => m.id !== chosen.id).map((m) => m.priority);
    const lowest = Math.min(...others);
    if (others.length === 0 || chosen.priority < lowest) {
      setAnswer({ ok: true, message: "That pair already comes first." });
      return;
    }
    if (lowest === 0) {
      setAnswer({
        ok: false,
        message: "Another pair already has the first place (priority 0); it cannot go before it.",
      });
      return;
    }
    const priority = lowest - 1;
    const label = pairLabel(chosen.id);
    review({ change: "update", mappingId: chosen.id, priority }, `Putting ${label} first`, {
      question: `Put ${label} first for users in several pairs?`,
      confirmLabel: "Put it first",
      apply: () => changePair(chosen.id, { priority }),
    });
  }

  // After adding, removing or changing a pair, the focus goes to what happened (then on to "Continue to preview").
  const answerNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer.message) answerNotice.current?.focus();
  }, [answer]);

  const errors = answer.fieldErrors ?? {};
  return (
    <div className="picker">
      <fieldset aria-describedby={`${ids}-entra-status`}>
        <legend>1. Entra ID group</legend>
        <div className="field">
          <label htmlFor={`${ids}-search`}>Search Entra groups</label>
          <input
            id={`${ids}-search`}
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="e.g. support"
          />
        </div>
        <p id={`${ids}-entra-status`} className="hint" aria-live="polite">
          {searching ? "Searching…" : searchError ? "" : groupCountWords(entra, searched)}
        </p>
        {searchError ? <p className="error-text">{searchError}</p> : null}
        <div className="choices">
          <ul>
            {entra.groups.map((group) => (
              <li key={group.id}>
                <label className="choice">
                  <input
                    type="radio"
                    name={`${ids}-entra`}
                    value={group.id}
                    checked={entraId === group.id}
                    onChange={() => setEntraId(group.id)}
                    aria-describedby={
                      group.description || typeof group.memberCount === "number"
                        ? `${ids}-entra-${group.id}-about`
                        : undefined
                    }
                  />
                  <span>{group.displayName}</span>
                </label>
                {group.description || typeof group.memberCount === "number" ? (
                  <p className="hint choice-about" id={`${ids}-entra-${group.id}-about`} data-group-about>
                    {[typeof group.memberCount === "number" ? memberWords(group.memberCount) : "", group.description]
                      .filter(Boolean)
                      .join(" · ")}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          {!searching && entra.groups.length === 0 ? <p className="hint">No groups match. Try another word.</p> : null}
        </div>
        <div className="actions">
          {entra.nextPageToken ? (
            <button type="button" className="secondary" onClick={loadMore} disabled={searching}>
              Load more groups
            </button>
          ) : null}
          <button type="button" className="secondary" onClick={refresh} disabled={searching}>
            Refresh the list
          </button>
        </div>
      </fieldset>

      <fieldset>
        <legend>2. Rescue technician group</legend>
        <div className="choices">
          {props.rescueGroups.length === 0 ? (
            <p className="hint">
              Your Rescue organisation has no technician groups yet. Create one in the Admin Center.
            </p>
          ) : (
            <RescueTree
              nodes={buildRescueGroupTree(props.rescueGroups)}
              name={`${ids}-rescue`}
              selected={rescueId}
              onSelect={setRescueId}
            />
          )}
        </div>
      </fieldset>

      <div className="arrows">
        <button type="button" onClick={add} disabled={pending} aria-describedby={`${ids}-answer`}>
          Add pair <span aria-hidden="true">→</span>
        </button>
        <button
          type="button"
          className="secondary"
          onClick={remove}
          disabled={pending}
          aria-describedby={`${ids}-answer`}
        >
          <span aria-hidden="true">←</span> Remove pair
        </button>
        {props.changePair && props.estimateChange ? (
          <>
            <button
              type="button"
              className="secondary"
              onClick={changeFilter}
              disabled={pending}
              aria-describedby={`${ids}-answer`}
            >
              Apply the filter below to the chosen pair
            </button>
            {props.mappings.length > 1 ? (
              <button
                type="button"
                className="secondary"
                onClick={putFirst}
                disabled={pending}
                aria-describedby={`${ids}-answer`}
              >
                Put the chosen pair first
              </button>
            ) : null}
          </>
        ) : null}
      </div>

      <fieldset>
        <legend>3. Selected pairs ({props.mappings.length})</legend>
        <div className="choices">
          {props.mappings.length === 0 ? (
            <p className="hint">No pairs yet. Choose a group in each of the first two columns, then “Add pair”.</p>
          ) : (
            <ul>
              {props.mappings.map((mapping) => (
                <li key={mapping.id}>
                  <label className="choice">
                    <input
                      type="radio"
                      name={`${ids}-pair`}
                      value={mapping.id}
                      checked={pairId === mapping.id}
                      onChange={() => setPairId(mapping.id)}
                    />
                    <span>
                      {mapping.entraGroupName} <span aria-hidden="true">→</span>
                      <span className="sr-only">to</span> {mapping.rescueGroupName}
                      <br />
                      <span className="hint">{describeConditions(mapping.conditions)}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </div>
      </fieldset>

      <fieldset className="filter-box">
        <legend>
          Optional filter for the next pair, or to apply to the chosen pair (the old “search criteria” and “search
          term”)
        </legend>
        <div className="filters">
          <div className="field">
            <label htmlFor={`${ids}-attribute`}>Attribute</label>
            <select
              id={`${ids}-attribute`}
              value={filter.attribute}
              aria-invalid={errors.filterAttribute ? true : undefined}
              onChange={(event) => setFilter({ ...filter, attribute: event.target.value })}
            >
              <option value="">No filter: everyone in the group</option>
              {filterAttributes.map((attribute) => (
                <option key={attribute} value={attribute}>
                  {attributeLabels[attribute]}
                </option>
              ))}
            </select>
            {errors.filterAttribute ? <p className="error-text">{errors.filterAttribute}</p> : null}
          </div>
          <div className="field">
            <label htmlFor={`${ids}-operator`}>Operator</label>
            <select
              id={`${ids}-operator`}
              value={filter.operator}
              onChange={(event) => setFilter({ ...filter, operator: event.target.value })}
            >
              {filterOperators.map((operator) => (
                <option key={operator} value={operator}>
                  {operatorLabels[operator]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${ids}-value`}>Value</label>
            <input
              id={`${ids}-value`}
              type="text"
              value={filter.value}
              aria-invalid={errors.filterValue ? true : undefined}
              onChange={(event) => setFilter({ ...filter, value: event.target.value })}
              placeholder="e.g. Support"
            />
            {errors.filterValue ? <p className="error-text">{errors.filterValue}</p> : null}
          </div>
        </div>
      </fieldset>

      {change ? (
        <div className="filter-box">
          <ChangeConfirmDialog
            question={change.question}
            estimate={change.estimate}
            confirmLabel={change.confirmLabel}
            busy={pending}
            onConfirm={confirmChange}
            onCancel={closeChange}
          />
        </div>
      ) : null}
      <div id={`${ids}-answer`} className="filter-box" aria-live="polite">
        {answer.message ? (
          <div
            className={`notice ${answer.ok ? "ok" : "bad"}`}
            role={answer.ok ? "status" : "alert"}
            tabIndex={-1}
            ref={answerNotice}
          >
            {answer.message}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function RescueTree({
  nodes,
  name,
  selected,
  onSelect,
}: {
  nodes: RescueGroupNode[];
  name: string;
  selected?: number;
  onSelect: (id: number) => void;
}) {
  return (
    <ul>
      {nodes.map((node) => (
        <li key={node.group.id}>
          <label className="choice">
            <input
              type="radio"
              name={name}
              value={node.group.id}
              checked={selected === node.group.id}
              onChange={() => onSelect(node.group.id)}
              aria-label={rescueGroupLabel(node.group)}
            />
            <span aria-hidden="true">{node.group.name}</span>
          </label>
          {node.children.length ? (
            <RescueTree nodes={node.children} name={name} selected={selected} onSelect={onSelect} />
          ) : null}
        </li>
      ))}
    </ul>
  );
}
