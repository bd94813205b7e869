"use client";
// Which Entra attribute fills each Rescue technician field, as a form instead of a JSON box: per field, a first
// choice and up to two fallbacks (the first non-empty one wins), with the default shown. The choices travel as the
// same JSON the settings action validated before (only the fields that differ from the default), so the API checks
// them exactly as it did.
import { useId, useState } from "react";
import { attributeSources, defaultAttributeMapping, type TenantSettings } from "../api/api-types";

type Source = (typeof attributeSources)[number];
type Field = keyof typeof defaultAttributeMapping;

const FIELDS: { field: Field; label: string }[] = [
  { field: "name", label: "Technician name" },
  { field: "nick", label: "Nickname" },
  { field: "email", label: "Email" },
  { field: "ssoId", label: "SSO id" },
];

export const sourceLabels: Record<Source, string> = {
  displayName: "Display name",
  givenName: "Given name",
  surname: "Surname",
  mail: "Email (mail)",
  userPrincipalName: "User principal name",
  mailLocalPart: "Email, the part before the @",
  userPrincipalNameLocalPart: "User principal name, the part before the @",
  employeeId: "Employee id",
};

const CHOICES = ["First choice", "If that is empty", "If that is empty too"] as const;

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The JSON the settings action sends: only the fields whose chain differs from the default. */
export function attributeMappingJson(chains: Record<Field, string[]>): string {
  const changed: Partial<Record<Field, string[]>> = {};
  for (const { field } of FIELDS) {
    const chain = chains[field].filter(Boolean);
    if (chain.length > 0 && !sameList(chain, defaultAttributeMapping[field])) changed[field] = chain;
  }
  return JSON.stringify(changed);
}

export function AttributeMappingFields({
  saved,
  error,
}: {
  saved: TenantSettings["attributeMapping"];
  error?: string;
}) {
  const ids = useId();
  const [chains, setChains] = useState<Record<Field, string[]>>(() => {
    const initial = {} as Record<Field, string[]>;
    for (const { field } of FIELDS) {
      const chain = saved?.[field];
      initial[field] = chain && !sameList(chain, defaultAttributeMapping[field]) ? [...chain] : [];
    }
    return initial;
  });
  const choose = (field: Field, index: number, value: string) =>
    setChains((now) => {
      const chain = [...now[field]];
      chain[index] = value;
      // A blank choice ends the chain: later fallbacks go with it.
      return { ...now, [field]: value ? chain : chain.slice(0, index) };
    });
  return (
    <fieldset className="card" aria-describedby={`${ids}-hint`}>
      <legend className="label">Attribute mapping</legend>
      <p className="hint" id={`${ids}-hint`}>
        Which Entra ID attribute fills each technician field. When a user has no value for the first choice, the next
        one is used.
      </p>
      <input type="hidden" name="attributeMapping" value={attributeMappingJson(chains)} />
      {FIELDS.map(({ field, label }) => {
        const chain = chains[field];
        const defaults = defaultAttributeMapping[field].map((s) => sourceLabels[s as Source]).join(", then ");
        return (
          <fieldset key={field} className="filters" aria-describedby={`${ids}-${field}-default`}>
            <legend>{label}</legend>
            <p className="hint" id={`${ids}-${field}-default`}>
              Default: {defaults}.
            </p>
            {CHOICES.map((words, index) =>
              index === 0 || chain[index - 1] ? (
                <div className="field" key={words}>
                  <label htmlFor={`${ids}-${field}-${index}`}>
                    {words}
                    <span className="sr-only"> for {label}</span>
                  </label>
                  <select
                    id={`${ids}-${field}-${index}`}
                    value={chain[index] ?? ""}
                    onChange={(event) => choose(field, index, event.target.value)}
                  >
                    <option value="">{index === 0 ? `The default (${defaults})` : "Nothing more"}</option>
                    {attributeSources.map((source) => (
                      <option key={source} value={source}>
                        {sourceLabels[source]}
                      </option>
                    ))}
                  </select>
                </div>
              ) : null,
            )}
          </fieldset>
        );
      })}
      {error ? <p className="error-text">{error}</p> : null}
    </fieldset>
  );
}
