import { ApiError } from "../api/api-error";
import { formStateOfError } from "./form-state";

test("API field errors land on the form's fields, nested paths on their top field", () => {
  const error = new ApiError(400, "validation_failed", "attributeMapping.nick.0: Invalid option", {
    "attributeMapping.nick.0": "Invalid option",
    "safetyThreshold.percent": "Too big",
    scheduleIntervalMinutes: "Too small",
  });
  expect(formStateOfError(error, { "safetyThreshold.percent": "thresholdPercent" })).toEqual({
    ok: false,
    message: "attributeMapping.nick.0: Invalid option",
    fieldErrors: {
      attributeMapping: "Invalid option",
      thresholdPercent: "Too big",
      scheduleIntervalMinutes: "Too small",
    },
  });
});

test("anything but an API error is not swallowed", () => {
  expect(() => formStateOfError(new TypeError("bug"))).toThrow("bug");
});
