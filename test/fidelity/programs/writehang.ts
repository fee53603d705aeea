// WRITEHANG: a blocking write with a timeout to a peer that never reads, on a socket opened with
// SKT$BLOCKING; the peer resets the connection 2 s after it came.
// PEER: never-read-then-reset
import { closeSocket, openSocket, status, writeSocket, SKT$BLOCKING } from 'scarlet-sockets/basic';
import { crt, sentenceField, str, system1020 } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN status=', status());
const BIG = str('x', 16777216);
const T0 = system1020();
const N = await writeSocket(SKT, BIG, SKT$BLOCKING, 500);
let E = system1020() - T0;
if (E < 0) E += 86400000;
// How long filling the kernel's buffers takes depends on the machine: only say the timeout passed.
crt('WRITE blocking timeout 500 status=', status(), ' some=', Number(N > 0), ' all=', Number(N === BIG.length), ' waited=', Number(E >= 450));
await closeSocket(SKT);
