// ACCEPT: a TCP server: SOCKET.INFO of the server and of accepted sockets, accept timeouts,
// reads on an accepted socket with flags 0, a client that closes or resets, the server closed
// while its accepted sockets go on, and a port already in use.
// PEER: clients
import { acceptSocket, closeSocket, createServerSocket, openSocket, readSocket, socketInfo, status, writeSocket, type BasicSocket, SKT$BLOCKING, SKT$INFO_BLOCKING, SKT$INFO_FAMILY, SKT$INFO_IP_ADDR, SKT$INFO_KEEP_ALIVE, SKT$INFO_NO_DELAY, SKT$INFO_OPEN, SKT$INFO_PORT, SKT$INFO_TYPE } from 'scarlet-sockets/basic';
import { crt, int, sentenceField, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let E = 0;
let W = '';
let CMD = '';
let R = '';
let CTL: BasicSocket = 0;
const SPORT = sentenceField(4);
const CPORT = sentenceField(5);
const BUSY = sentenceField(6);
let SRVR = await createServerSocket('127.0.0.1', SPORT, SKT$BLOCKING);
crt('SERVER status=', status(), ' open=', socketInfo(SRVR, SKT$INFO_OPEN), ' type=', socketInfo(SRVR, SKT$INFO_TYPE));
crt('SERVER port=', socketInfo(SRVR, SKT$INFO_PORT), ' addr=', socketInfo(SRVR, SKT$INFO_IP_ADDR), ' family=', socketInfo(SRVR, SKT$INFO_FAMILY));
crt('SERVER blocking=', socketInfo(SRVR, SKT$INFO_BLOCKING), ' nodelay=', socketInfo(SRVR, SKT$INFO_NO_DELAY), ' keepalive=', socketInfo(SRVR, SKT$INFO_KEEP_ALIVE), ' key 8=', socketInfo(SRVR, 8));
let T0 = system1020();
let CLI = await acceptSocket(SRVR, 500);
elapsed();
crt('ACCEPT nobody status=', status(), ' open=', socketInfo(CLI, SKT$INFO_OPEN), ' value=', String(CLI), ' time=', W);
CTL = await openSocket('127.0.0.1', CPORT, SKT$BLOCKING);
CMD = 'CONNECT 127.0.0.1';
await ask();
crt('PEER ', R);
CLI = await acceptSocket(SRVR, 5000);
crt('ACCEPT status=', status(), ' open=', socketInfo(CLI, SKT$INFO_OPEN), ' type=', socketInfo(CLI, SKT$INFO_TYPE));
crt('ACCEPTED port=', socketInfo(CLI, SKT$INFO_PORT), ' addr=', socketInfo(CLI, SKT$INFO_IP_ADDR), ' family=', socketInfo(CLI, SKT$INFO_FAMILY));
crt('ACCEPTED blocking=', socketInfo(CLI, SKT$INFO_BLOCKING), ' nodelay=', socketInfo(CLI, SKT$INFO_NO_DELAY), ' keepalive=', socketInfo(CLI, SKT$INFO_KEEP_ALIVE));
T0 = system1020();
let D = await readSocket(CLI, 100, 0, 5000);
elapsed();
crt('READ flags 0 nothing yet data=', D, ' status=', status(), ' time=', W);
CMD = 'SEND 1 hello';
await ask();
D = await readSocket(CLI, 100, SKT$BLOCKING, 5000);
crt('READ flags 1 data=', D, ' status=', status());
let N = await writeSocket(CLI, 'world', 0, 5000);
crt('WRITE flags 0 n=', N, ' status=', status());
CMD = 'READ 1';
await ask();
crt('PEER ', R);
CMD = 'CONNECT 127.0.0.1';
await ask();
crt('PEER ', R);
const CLI2 = await acceptSocket(SRVR, 0);
crt('ACCEPT timeout 0 status=', status(), ' port=', socketInfo(CLI2, SKT$INFO_PORT));
await closeSocket(SRVR);
crt('CLOSE server status=', status());
N = await writeSocket(CLI2, 'still here', SKT$BLOCKING, 5000);
crt('WRITE after server closed n=', N, ' status=', status());
CMD = 'READ 2';
await ask();
crt('PEER ', R);
CMD = 'CLOSE 1';
await ask();
D = await readSocket(CLI, 100, SKT$BLOCKING, 5000);
crt('READ client closed data=', D, ' status=', status());
D = await readSocket(CLI, 100, SKT$BLOCKING, 5000);
crt('READ client closed again data=', D, ' status=', status());
CMD = 'RESET 2';
await ask();
D = await readSocket(CLI2, 100, SKT$BLOCKING, 5000);
crt('READ client reset data=', D, ' status=', status());
N = await writeSocket(CLI2, 'x', SKT$BLOCKING, 5000);
crt('WRITE client reset n=', N, ' status=', status());
await closeSocket(CLI);
await closeSocket(CLI2);
const S2 = await createServerSocket('127.0.0.1', BUSY, 0);
crt('SERVER port in use status=', status(), ' open=', socketInfo(S2, SKT$INFO_OPEN));
SRVR = await createServerSocket('127.0.0.1', SPORT, 0);
crt('SERVER same port again status=', status());
await closeSocket(SRVR);
await closeSocket(CTL);

// ELAPSED: sets E and W
function elapsed(): void {
  E = system1020() - T0;
  if (E < 0) E += 86400000;
  if (E < 250) W = '<250ms'; else W = '~' + int((E + 250) / 500) / 2 + 's';
}

// ASK: sends CMD on the control connection, sets R to the peer's answer
async function ask(): Promise<void> {
  await writeSocket(CTL, CMD + '\n', SKT$BLOCKING, 5000);
  R = await readSocket(CTL, 1000, SKT$BLOCKING, 10000);
}
