import { z } from "zod";

/**
 * How the emulated Rescue answers where the documentation is silent. Every default is the strictest plausible
 * answer, so a client that works here survives the real service; tests switch variants to prove the client
 * survives each of them (POST /_emulator/rescue/behaviour takes a partial of it).
 */
export const ZRescueBehaviour = z.object({
  /**
   * `createUsers`: no public caller confirms its wire encoding or its reply. "enabled" serves the encoding the client
   * sends; every other variant is a way a Rescue could refuse it: HTTP 500 (an unhandled ASP.NET exception, the
   * default), `ERROR`, HTTP 404, an HTML login page with HTTP 200 (what unknown methods reportedly return), or a bare
   * code no client knows.
   */
  createUsers: z.enum(["enabled", "http500", "error", "notFound", "htmlPage", "unknownCode"]).default("http500"),
  /**
   * The reply when a named licence is not free (enabling or creating an enabled technician beyond the count): no API
   * page lists one, so `ERROR` by default; any other token may be set (e.g. "LICENSELIMITREACHED").
   */
  licenceRefusal: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .default("ERROR"),
  /**
   * The reply of an endpoint denied in Global Settings (login, requestAuthCode); undocumented. Default a bare code
   * no client knows; or HTTP 403; or `ERROR`.
   */
  deniedEndpoint: z.enum(["unknownCode", "http403", "error"]).default("unknownCode"),
  /** Stock ASP.NET request limits (aspnet:MaxHttpCollectionKeys, maxRequestLength, maxQueryStringLength). */
  requestLimits: z
    .object({
      maxCollectionKeys: z.number().int().positive().default(1000),
      maxRequestBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 * 1024),
      maxQueryStringLength: z.number().int().positive().default(2048),
    })
    .prefault({}),
});
export type RescueBehaviour = z.output<typeof ZRescueBehaviour>;
export type RescueBehaviourInput = z.input<typeof ZRescueBehaviour>;

/** The bare code a denied endpoint answers in the "unknownCode" variant: a token the client does not know. */
export const DENIED_ENDPOINT_CODE = "ACCESS_DENIED";
/** The bare code `createUsers` answers in the "unknownCode" variant. */
export const CREATE_USERS_UNKNOWN_CODE = "NOT_SUPPORTED";
/** What Rescue reportedly serves for a method it does not know: its login page, with HTTP 200. */
export const LOGIN_PAGE_HTML =
  '<!DOCTYPE html>\n<html><head><title>LogMeIn Rescue - Login</title></head><body><form method="post" action="/Login.aspx"></form></body></html>\n';
