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
