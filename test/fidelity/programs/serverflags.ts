// SERVERFLAGS: CREATE.SERVER.SOCKET with each address form and each flag: port 0, '', 0.0.0.0,
// ::, a host name, bad and long addresses, SKT$NON.BLOCKING, SKT$STREAM + SKT$TCP, SKT$DGRM
// alone, SKT$UDP, SKT$ICMP, numeric strings, an address that is not local.
// PEER: clients
import { acceptSocket, closeSocket, createServerSocket, openSocket, readSocket, socketInfo, status, writeSocket, type BasicSocket, SKT$BLOCKING, SKT$DGRM, SKT$ICMP, SKT$INFO_BLOCKING, SKT$INFO_FAMILY, SKT$INFO_IP_ADDR, SKT$INFO_NO_DELAY, SKT$INFO_OPEN, SKT$INFO_PORT, SKT$INFO_TYPE, SKT$NON_BLOCKING, SKT$STREAM, SKT$TCP, SKT$UDP } from 'scarlet-sockets/basic';
import { crt, int, sentenceField, str, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let E = 0;
let W = '';
let CMD = '';
let R = '';
let CTL: BasicSocket = 0;
const SPORT = sentenceField(4);
const CPORT = sentenceField(5);
let S = await createServerSocket('127.0.0.1', 0, 0);
crt('port 0: status=', status(), ' port=', socketInfo(S, SKT$INFO_PORT), ' addr=', socketInfo(S, SKT$INFO_IP_ADDR));
await closeSocket(S);
S = await createServerSocket('', 0, 0);
crt('empty address: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket('0.0.0.0', 0, 0);
crt('0.0.0.0: status=', status(), ' addr=', socketInfo(S, SKT$INFO_IP_ADDR), ' family=', socketInfo(S, SKT$INFO_FAMILY));
await closeSocket(S);
S = await createServerSocket('::', 0, 0);
crt('::: status=', status(), ' addr=', socketInfo(S, SKT$INFO_IP_ADDR), ' family=', socketInfo(S, SKT$INFO_FAMILY));
await closeSocket(S);
S = await createServerSocket('localhost', 0, 0);
crt('localhost: status=', status(), ' addr=', socketInfo(S, SKT$INFO_IP_ADDR));
await closeSocket(S);
S = await createServerSocket('256.0.0.1', 0, 0);
crt('256.0.0.1: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket('nosuchhost.invalid', 0, 0);
crt('nosuchhost.invalid: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket(str('a', 81), 0, 0);
crt('81 characters: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket('192.0.2.1', 0, 0);
crt('not a local address: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket('127.0.0.1', '0', '0');
crt('numeric strings: status=', status());
await closeSocket(S);
S = await createServerSocket('127.0.0.1', 0, SKT$NON_BLOCKING);
crt('SKT$NON.BLOCKING: status=', status(), ' blocking=', socketInfo(S, SKT$INFO_BLOCKING));
let T0 = system1020();
let C = await acceptSocket(S, 500);
elapsed();
crt('ACCEPT timeout 500 status=', status(), ' time=', W);
await closeSocket(S);
S = await createServerSocket('127.0.0.1', 0, SKT$STREAM + SKT$TCP);
crt('SKT$STREAM + SKT$TCP: status=', status(), ' type=', socketInfo(S, SKT$INFO_TYPE));
await closeSocket(S);
S = await createServerSocket('127.0.0.1', 0, SKT$UDP);
crt('SKT$UDP: status=', status(), ' type=', socketInfo(S, SKT$INFO_TYPE), ' blocking=', socketInfo(S, SKT$INFO_BLOCKING), ' nodelay=', socketInfo(S, SKT$INFO_NO_DELAY));
await closeSocket(S);
S = await createServerSocket('127.0.0.1', 0, SKT$ICMP);
crt('SKT$ICMP: status=', status(), ' open=', socketInfo(S, SKT$INFO_OPEN));
S = await createServerSocket('127.0.0.1', SPORT, SKT$DGRM);
crt('SKT$DGRM: status=', status(), ' type=', socketInfo(S, SKT$INFO_TYPE));
CTL = await openSocket('127.0.0.1', CPORT, SKT$BLOCKING);
CMD = 'CONNECT 127.0.0.1';
await ask();
crt('PEER ', R);
C = await acceptSocket(S, 5000);
crt('SKT$DGRM accept status=', status(), ' type=', socketInfo(C, SKT$INFO_TYPE));
CMD = 'SEND 1 stream';
await ask();
const D = await readSocket(C, 100, SKT$BLOCKING, 5000);
crt('SKT$DGRM read data=', D, ' status=', status());
await closeSocket(C);
await closeSocket(S);
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
