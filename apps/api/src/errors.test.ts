import { AppError, errorReplyOf, invalidField } from "./errors";

describe("errorReplyOf: one mapping from anything thrown to a reply", () => {
  test("typed errors keep their code, status and message", () => {
    expect(errorReplyOf(new AppError("conflict", "email: taken."))).toEqual({
      status: 409,
      body: { error: "conflict", message: "email: taken." },
    });
    expect(errorReplyOf(invalidField("cursor", "is not a run."))).toMatchObject({
      status: 400,
      body: { error: "validation_failed", message: "cursor: is not a run.", details: [{ field: "cursor" }] },
    });
  });

  test("schema validation names each field with the part of the request it is in", () => {
    const reply = errorReplyOf({
      validationContext: "querystring",
      validation: [
        { instancePath: "/limit", message: "Too big: expected number to be <=200" },
        { instancePath: "", message: 'Unrecognized key: "sneaky"' },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe(
      'query.limit: Too big: expected number to be <=200; query: Unrecognized key: "sneaky"',
    );
  });

  test("Fastify's own client errors are 4xx in plain words", () => {
    expect(errorReplyOf({ code: "FST_ERR_CTP_BODY_TOO_LARGE", statusCode: 413 }).status).toBe(413);
    expect(errorReplyOf({ code: "FST_ERR_CTP_INVALID_MEDIA_TYPE", statusCode: 415 }).status).toBe(415);
    expect(errorReplyOf({ name: "SyntaxError", statusCode: 400, message: "Unexpected end" }).body.message).toBe(
      "body: is not valid JSON.",
    );
  });

  test("anything else is a 500 that says nothing about it", () => {
    const reply = errorReplyOf(new Error("connection string postgres://user:secret@db"));
    expect(reply).toEqual({
      status: 500,
      body: { error: "internal_error", message: "Something went wrong on our side." },
    });
  });
});
