// OPENERRORS: OPEN.SOCKET's failures and flags: refused with each blocking mode, '', bad, unknown
// and long names, a host name, SKT$ICMP, SKT$DGRM alone, SKT$STREAM + SKT$TCP, a port past
// 65535, port 0; what a failed open returns.
// PEER: refused
import { closeSocket, openSocket, readSocket, socketInfo, status, writeSocket, SKT$BLOCKING, SKT$DGRM, SKT$ICMP, SKT$INFO_BLOCKING, SKT$INFO_IP_ADDR, SKT$INFO_OPEN, SKT$INFO_PORT, SKT$INFO_TYPE, SKT$NON_BLOCKING, SKT$STREAM, SKT$TCP } from 'scarlet-sockets/basic';
import { crt, sentenceField, str } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
const CLOSED = sentenceField(4);
const PORT = sentenceField(5);
let S = await openSocket('127.0.0.1', CLOSED, SKT$BLOCKING);
crt('refused SKT$BLOCKING: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN), ' value=', String(S));
S = await openSocket('127.0.0.1', CLOSED, SKT$NON_BLOCKING);
crt('refused SKT$NON.BLOCKING: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('127.0.0.1', CLOSED, 0);
crt('refused flags 0: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('', PORT, 0);
crt('empty address: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('256.1.1.1', PORT, 0);
crt('256.1.1.1: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('nosuchhost.invalid', PORT, 0);
crt('nosuchhost.invalid: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket(str('a', 81), PORT, 0);
crt('81 characters: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('127.0.0.1', PORT, SKT$ICMP);
crt('SKT$ICMP: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('127.0.0.1', 0, SKT$BLOCKING);
crt('port 0: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await openSocket('localhost', PORT, SKT$BLOCKING);
crt('localhost: status=', status(), ' addr=', socketInfo(S, SKT$INFO_IP_ADDR), ' port=', socketInfo(S, SKT$INFO_PORT));
await closeSocket(S);
S = await openSocket('127.0.0.1', PORT, SKT$STREAM + SKT$TCP + SKT$BLOCKING);
crt('SKT$STREAM + SKT$TCP: status=', status(), ' type=', socketInfo(S, SKT$INFO_TYPE));
await closeSocket(S);
S = await openSocket('127.0.0.1', PORT, SKT$DGRM + SKT$BLOCKING);
crt('SKT$DGRM: status=', status(), ' type=', socketInfo(S, SKT$INFO_TYPE));
const N = await writeSocket(S, 'stream or datagram?', SKT$BLOCKING, 5000);
const D = await readSocket(S, 5, SKT$BLOCKING, 5000);
const E = await readSocket(S, 100, SKT$BLOCKING, 5000);
crt('SKT$DGRM echo n=', N, ' first=', D, ' rest=', E);
await closeSocket(S);
S = await openSocket('127.0.0.1', Number(PORT) + 65536, SKT$BLOCKING);
crt('port + 65536: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
if (socketInfo(S, SKT$INFO_OPEN)) {
  crt('port + 65536: port - 65536=', Number(socketInfo(S, SKT$INFO_PORT)) - 65536);
  await closeSocket(S);
}
S = await openSocket('127.0.0.1', PORT, SKT$NON_BLOCKING);
crt('SKT$NON.BLOCKING: status=', status(), ' blocking=', socketInfo(S, SKT$INFO_BLOCKING));
await closeSocket(S);
