import { emptyCallStats, MsalNetworkClient, type TrustedFetch } from "./entra-transport";

it("reports a sign-in reply that is not JSON without repeating any of it", async () => {
  const page = "<html><body>internal-admin secret=42</body></html>";
  const fetchPage: TrustedFetch = async () =>
    new Response(page, { status: 200, headers: { "content-type": "text/html" } });
  const client = new MsalNetworkClient(fetchPage, emptyCallStats());
  const error = await client.sendPostRequestAsync("https://login.example.test/t/oauth2/v2.0/token", { body: "" }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toBe("The sign-in endpoint answered HTTP 200 with something that is not JSON.");
  expect(error?.message).not.toMatch(/secret|internal|html/i);
});
