// UDP: OPEN.SOCKET with SKT$UDP: SOCKET.INFO, datagrams echoed, one datagram per read, a read
// shorter than its datagram, a port nobody listens on; a UDP server socket read directly, written
// without a peer, and ACCEPT.SOCKET.CONNECTION on it.
// PEER: udp
import { acceptSocket, closeSocket, createServerSocket, openSocket, readSocket, socketInfo, status, writeSocket, type BasicSocket, SKT$BLOCKING, SKT$DGRM, SKT$INFO_BLOCKING, SKT$INFO_FAMILY, SKT$INFO_IP_ADDR, SKT$INFO_KEEP_ALIVE, SKT$INFO_NO_DELAY, SKT$INFO_OPEN, SKT$INFO_PORT, SKT$INFO_TYPE, SKT$UDP } from 'scarlet-sockets/basic';
import { char, crt, FM, hexOf, int, sentenceField, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let E = 0;
let W = '';
let CMD = '';
let R = '';
let CTL: BasicSocket = 0;
const EPORT = sentenceField(4);
const CLOSED = sentenceField(5);
const SPORT = sentenceField(6);
const CPORT = sentenceField(7);
let SKT = await openSocket('127.0.0.1', EPORT, SKT$UDP + SKT$BLOCKING);
crt('OPEN status=', status(), ' open=', socketInfo(SKT, SKT$INFO_OPEN), ' type=', socketInfo(SKT, SKT$INFO_TYPE), ' port=', socketInfo(SKT, SKT$INFO_PORT));
crt('INFO addr=', socketInfo(SKT, SKT$INFO_IP_ADDR), ' blocking=', socketInfo(SKT, SKT$INFO_BLOCKING), ' family=', socketInfo(SKT, SKT$INFO_FAMILY));
crt('INFO nodelay=', socketInfo(SKT, SKT$INFO_NO_DELAY), ' keepalive=', socketInfo(SKT, SKT$INFO_KEEP_ALIVE));
let N = await writeSocket(SKT, 'ping', 0, 0);
crt('WRITE n=', N, ' status=', status());
let D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ data=', D, ' status=', status());
N = await writeSocket(SKT, 'a' + FM + 'b' + char(0) + char(255), 0, 0);
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ binary n=', N, ' hex=', hexOf(D), ' status=', status());
N = await writeSocket(SKT, 'one', 0, 0);
N = await writeSocket(SKT, 'two', 0, 0);
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
const E2 = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ two datagrams first=', D, ' second=', E2, ' status=', status());
N = await writeSocket(SKT, 'three', 0, 0);
D = await readSocket(SKT, 2, SKT$BLOCKING, 5000);
crt('READ max 2 of a datagram data=', D, ' status=', status());
let T0 = system1020();
D = await readSocket(SKT, 100, SKT$BLOCKING, 500);
elapsed();
crt('READ the rest data=', D, ' status=', status(), ' time=', W);
await closeSocket(SKT);
SKT = await openSocket('127.0.0.1', CLOSED, SKT$UDP + SKT$BLOCKING);
crt('OPEN closed port status=', status());
N = await writeSocket(SKT, 'anyone?', 0, 0);
crt('WRITE closed port n=', N, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 2000);
crt('READ closed port data=', D, ' status=', status());
await closeSocket(SKT);
SKT = await openSocket('127.0.0.1', EPORT, SKT$DGRM + SKT$UDP);
crt('OPEN SKT$DGRM + SKT$UDP status=', status(), ' blocking=', socketInfo(SKT, SKT$INFO_BLOCKING));
N = await writeSocket(SKT, 'dgrm', 0, 0);
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ data=', D, ' status=', status());
await closeSocket(SKT);
const SRV = await createServerSocket('127.0.0.1', SPORT, SKT$UDP);
crt('SERVER status=', status(), ' type=', socketInfo(SRV, SKT$INFO_TYPE), ' port=', socketInfo(SRV, SKT$INFO_PORT), ' blocking=', socketInfo(SRV, SKT$INFO_BLOCKING), ' family=', socketInfo(SRV, SKT$INFO_FAMILY));
CTL = await openSocket('127.0.0.1', CPORT, SKT$BLOCKING);
CMD = 'UDPSEND 127.0.0.1 to the server';
await ask();
crt('PEER ', R);
D = await readSocket(SRV, 100, SKT$BLOCKING, 5000);
crt('SERVER READ data=', D, ' status=', status());
N = await writeSocket(SRV, 'back', SKT$BLOCKING, 1000);
crt('SERVER WRITE n=', N, ' status=', status());
T0 = system1020();
const A = await acceptSocket(SRV, 500);
elapsed();
crt('SERVER ACCEPT nothing sent status=', status(), ' open=', socketInfo(A, SKT$INFO_OPEN), ' time=', W);
await closeSocket(SRV);
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
