// Where to go back to after signing in or up (e.g. an invitation page): only a path of this portal, never
// another site (an open redirect would let a link send people anywhere after they signed in).

export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 500) return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return null;
  if ([...value].some((c) => c.charCodeAt(0) < 0x20)) return null;
  return value;
}

/** The sign-in or sign-up page that comes back here afterwards. */
export function withReturnPath(page: "/sign-in" | "/sign-up", returnTo: string): string {
  return `${page}?returnTo=${encodeURIComponent(returnTo)}`;
}

/** Set by proxy.ts on every request: the page's path and query, for signInPathFor. */
export const RETURN_PATH_HEADER = "x-techsync-return-path";

/**
 * The sign-in page that comes back to `current` (the page whose session ended), or plain sign-in when there is no
 * page worth coming back to.
 */
export function signInPathFor(current: string | null | undefined): string {
  const returnTo = safeReturnPath(current);
  if (!returnTo || returnTo === "/" || returnTo.startsWith("/sign-in") || returnTo.startsWith("/api/")) {
    return "/sign-in";
  }
  return withReturnPath("/sign-in", returnTo);
}
