// The address of the browser a portal request came from, which the portal passes to the API inside its
// signed service token: the API sees every portal request from the portal's own address, and paces
// password guessing per account and *browser* address.
//
// It is read from X-Forwarded-For as the nearest proxy wrote it (the last entry; Next.js itself sets the
// header to the socket's address when no proxy did). Deploy the portal behind a proxy that appends to
// X-Forwarded-For: exposed directly, a client can name any address there.

const ADDRESS = /^[0-9A-Fa-f.:]{2,64}$/;

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | undefined {
  if (source instanceof Headers) return source.get(name) ?? undefined;
  const value = source[name] ?? source[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

/** The client's IP address, or undefined when none is known or it does not look like one. */
export function clientAddressOf(source: HeaderSource | undefined): string | undefined {
  if (!source) return undefined;
  const forwarded = header(source, "x-forwarded-for")?.split(",").at(-1)?.trim();
  const candidate = forwarded || header(source, "x-real-ip")?.trim();
  // IPv4-mapped IPv6 ("::ffff:203.0.113.7") is the IPv4 address.
  const address = candidate?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return address && ADDRESS.test(address) ? address : undefined;
}
