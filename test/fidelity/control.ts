// The ASK subroutine of the BASIC programs whose peer acts on command (see controlServer in
// peers.ts): one command line on the control connection, and the peer's answer.
import { readSocket, writeSocket, type BasicSocket, SKT$BLOCKING } from 'scarlet-sockets/basic';

/** Sends `cmd` on the control connection and returns the peer's answer (`ok`, `got:...`). */
export async function ask(ctl: BasicSocket, cmd: string): Promise<string> {
  await writeSocket(ctl, cmd + '\n', SKT$BLOCKING, 5000);
  return readSocket(ctl, 1000, SKT$BLOCKING, 10000);
}
