// The emulator in its own process, so the benchmark's peak RSS is the client's alone.
import { startRescueEmulator } from "@techsync/emulators/rescue";
import { benchOrganisation } from "./bench-organisation";

void startRescueEmulator({ port: 0, seed: benchOrganisation() }).then((emulator) => {
  process.stdout.write(`LISTENING ${emulator.url}\n`);
  process.on("SIGTERM", () => void emulator.close().then(() => process.exit(0)));
});
