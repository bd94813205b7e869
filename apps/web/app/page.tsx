import Link from "next/link";
import { redirect } from "next/navigation";
import { currentPortalUserId, requireMemberships } from "../src/server/portal-session";

/** The browser tab and history say which page this is ("Home · TechSync"). */
export const metadata = { title: "Home" };

export const dynamic = "force-dynamic";

/** Signed in: the first organisation's dashboard. Otherwise: what TechSync is, and the way in. */
export default async function Home() {
  if (await currentPortalUserId()) {
    const { tenants } = await requireMemberships();
    const first = tenants[0];
    if (first) redirect(`/t/${first.id}`);
    return (
      <main id="content" className="narrow">
        <h1>No organisation yet</h1>
        <p>
          Your account does not belong to any organisation yet. Ask an owner or admin to invite you and open the link
          they send you, or <Link href="/organisations/new">create an organisation</Link>.
        </p>
      </main>
    );
  }
  return (
    <main id="content" className="narrow">
      <h1>TechSync</h1>
      <p>
        Keeps your LogMeIn Rescue technician groups in step with Microsoft Entra ID groups: connect Rescue and Entra,
        map groups, preview the changes, and let scheduled runs provision, update and disable technicians.
      </p>
      <div className="actions">
        <Link className="button" href="/sign-up">
          Create an account
        </Link>
        <Link className="button secondary" href="/sign-in">
          Sign in
        </Link>
      </div>
    </main>
  );
}
