import Link from "next/link";
import { requirePortalUserApi } from "../../../src/server/portal-session";
import { NewOrganisationForm } from "./new-organisation-form";

/** The browser tab and history say which page this is ("Add an organisation · TechSync"). */
export const metadata = { title: "Add an organisation" };

export const dynamic = "force-dynamic";

export default async function NewOrganisation() {
  await requirePortalUserApi();
  return (
    <main id="content" className="narrow">
      <p>
        <Link href="/">← Back</Link>
      </p>
      <h1>Add an organisation</h1>
      <p className="hint">
        One organisation per Rescue account. You become its owner; the switcher in the top bar moves between them.
      </p>
      <div className="card">
        <NewOrganisationForm />
      </div>
    </main>
  );
}
