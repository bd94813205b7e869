// The seed's "How to Create a Client ID, Tenant and Client Secret in Azure", in the order a person clicks.
export function AppRegistrationGuide() {
  return (
    <details className="card">
      <summary>How to create the app registration in Entra ID (about 5 minutes)</summary>
      <ol>
        <li>
          Sign in to the <strong>Microsoft Entra admin center</strong> (or the Azure portal) and open{" "}
          <strong>App registrations</strong> › <strong>New registration</strong>.
        </li>
        <li>
          Name it, for example “TechSync”. Under <em>Supported account types</em> choose{" "}
          <strong>Accounts in this organizational directory only (Single tenant)</strong>, then{" "}
          <strong>Register</strong>.
        </li>
        <li>
          On the app's <strong>Overview</strong>, copy the <strong>Application (client) ID</strong> and the{" "}
          <strong>Directory (tenant) ID</strong> into the fields below.
        </li>
        <li>
          Open <strong>Certificates &amp; secrets</strong> › <strong>New client secret</strong>, give it a description
          and an expiry, and copy its <strong>Value</strong> (not the Secret ID) — it is shown only once.
        </li>
        <li>
          Open <strong>API permissions</strong> › <strong>Add a permission</strong> › <strong>Microsoft Graph</strong> ›{" "}
          <strong>Application permissions</strong>, and tick:
          <ul>
            <li>
              <code>User.Read.All</code> (under User)
            </li>
            <li>
              <code>Group.Read.All</code> (under Group)
            </li>
            <li>
              <code>Directory.Read.All</code> (under Directory)
            </li>
          </ul>
          then <strong>Add permissions</strong>.
        </li>
        <li>
          Click <strong>Grant admin consent for</strong> your directory and confirm with <strong>Yes</strong>. Each
          permission's status turns to “Granted”.
        </li>
        <li>
          Come back here and press <strong>Test</strong>: TechSync shows each permission as granted or missing.
        </li>
      </ol>
    </details>
  );
}
