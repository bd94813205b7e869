// Rescue's own "AdSync" and TechSync must not both manage one organisation's technicians: each undoes what the
// other did. Shown where a customer connects Rescue and in settings, in plain words.
export function AdSyncNotice() {
  return (
    <div className="notice warn" role="note" aria-label="Rescue's own AdSync">
      <strong>Stop Rescue's own AdSync first.</strong> If you used Rescue's Active Directory Sync tool, stop and disable
      the Windows service “LogMeIn Rescue AdSync” on the server where it is installed before TechSync syncs: two tools
      changing the same technicians undo each other's work. To tell whether it still runs, look for technicians that
      changed in Rescue at a time when the sync log shows no TechSync run. A Rescue organisation can also be connected
      to one TechSync tenant only.
    </div>
  );
}
