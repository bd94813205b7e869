// Wizard step 3: one pair and its optional filter (the seed's "search criteria" + "search term").
import { z } from "zod";
import { filterAttributes, filterOperators } from "../api/api-types";

export const ZMappingForm = z
  .object({
    entraGroupId: z.string().min(1, "Choose an Entra group in the first column."),
    entraGroupName: z.string().min(1),
    rescueGroupId: z.coerce
      .number({ message: "Choose a Rescue technician group in the second column." })
      .int()
      .min(1, "Choose a Rescue technician group in the second column."),
    rescueGroupName: z.string().min(1),
    filterAttribute: z.union([z.enum(filterAttributes), z.literal("")]).default(""),
    filterOperator: z.enum(filterOperators).default("equals"),
    filterValue: z.string().max(200).default(""),
  })
  .superRefine((form, ctx) => {
    if (form.filterAttribute && !form.filterValue.trim()) {
      ctx.addIssue({ code: "custom", path: ["filterValue"], message: "Enter the value the attribute is compared to." });
    }
    if (!form.filterAttribute && form.filterValue.trim()) {
      ctx.addIssue({ code: "custom", path: ["filterAttribute"], message: "Choose which attribute to compare." });
    }
  })
  .transform((form) => ({
    entraGroupId: form.entraGroupId,
    entraGroupName: form.entraGroupName,
    rescueGroupId: form.rescueGroupId,
    rescueGroupName: form.rescueGroupName,
    filter: form.filterAttribute
      ? { attribute: form.filterAttribute, operator: form.filterOperator, value: form.filterValue.trim() }
      : null,
  }));
