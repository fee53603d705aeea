// IPV6: a client and a server on ::1: SOCKET.INFO family, addresses and ports, data both ways.
// PEER: ipv6
import { acceptSocket, closeSocket, createServerSocket, openSocket, readSocket, serverAddr, socketInfo, status, writeSocket, type BasicSocket, SKT$BLOCKING, SKT$INFO_FAMILY, SKT$INFO_IP_ADDR, SKT$INFO_PORT, SKT$INFO_TYPE } from 'scarlet-sockets/basic';
import { crt, sentenceField } from '../crt.js';
import { ask } from '../control.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let CMD = '';
let R = '';
let CTL: BasicSocket = 0;
const EPORT = sentenceField(4);
const SPORT = sentenceField(5);
const CPORT = sentenceField(6);
let SKT = await openSocket('::1', EPORT, SKT$BLOCKING);
crt('OPEN status=', status(), ' type=', socketInfo(SKT, SKT$INFO_TYPE), ' family=', socketInfo(SKT, SKT$INFO_FAMILY));
crt('OPEN addr=', socketInfo(SKT, SKT$INFO_IP_ADDR), ' port=', socketInfo(SKT, SKT$INFO_PORT));
let N = await writeSocket(SKT, 'six', SKT$BLOCKING, 5000);
let D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('ECHO n=', N, ' data=', D, ' status=', status());
await closeSocket(SKT);
SKT = await openSocket('[::1]', EPORT, SKT$BLOCKING);
crt('OPEN [::1] status=', status());
SKT = await openSocket('0:0:0:0:0:0:0:1', EPORT, SKT$BLOCKING);
crt('OPEN 0:0:0:0:0:0:0:1 status=', status(), ' addr=', socketInfo(SKT, SKT$INFO_IP_ADDR));
await closeSocket(SKT);
const SRV = await createServerSocket('::1', SPORT, SKT$BLOCKING);
crt('SERVER status=', status(), ' family=', socketInfo(SRV, SKT$INFO_FAMILY), ' addr=', socketInfo(SRV, SKT$INFO_IP_ADDR), ' port=', socketInfo(SRV, SKT$INFO_PORT));
CTL = await openSocket('127.0.0.1', CPORT, SKT$BLOCKING);
CMD = 'CONNECT ::1';
R = await ask(CTL, CMD);
crt('PEER ', R);
const CLI = await acceptSocket(SRV, 5000);
crt('ACCEPT status=', status(), ' type=', socketInfo(CLI, SKT$INFO_TYPE), ' family=', socketInfo(CLI, SKT$INFO_FAMILY));
crt('ACCEPTED addr=', socketInfo(CLI, SKT$INFO_IP_ADDR), ' port=', socketInfo(CLI, SKT$INFO_PORT));
CMD = 'SEND 1 hello over six';
R = await ask(CTL, CMD);
D = await readSocket(CLI, 100, SKT$BLOCKING, 5000);
crt('READ data=', D, ' status=', status());
N = await writeSocket(CLI, 'and back', SKT$BLOCKING, 5000);
CMD = 'READ 1';
R = await ask(CTL, CMD);
crt('PEER ', R);
await closeSocket(CLI);
await closeSocket(SRV);
await closeSocket(CTL);
crt('SERVER.ADDR ::1=', await serverAddr('::1'), ' status=', status());
