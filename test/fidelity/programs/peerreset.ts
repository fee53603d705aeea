// PEERRESET: a peer that resets the connection on the first bytes it gets, and one that resets
// it mid-stream.
// PEER: reset
import { closeSocket, openSocket, readSocket, status, writeSocket, SKT$BLOCKING, SKT$NON_BLOCKING } from 'scarlet-sockets/basic';
import { crt, sentenceField } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
const PORT = sentenceField(4);
let SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN 1 status=', status());
let N = await writeSocket(SKT, 'hello', SKT$BLOCKING, 5000);
crt('WRITE hello n=', N, ' status=', status());
let D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ reset data=', D, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ again data=', D, ' status=', status());
N = await writeSocket(SKT, 'x', SKT$BLOCKING, 5000);
crt('WRITE n=', N, ' status=', status());
await closeSocket(SKT);
SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN 2 status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ data=', D, ' status=', status());
N = await writeSocket(SKT, 'ack', SKT$BLOCKING, 5000);
crt('WRITE ack n=', N, ' status=', status());
D = await readSocket(SKT, 100, SKT$BLOCKING, 5000);
crt('READ reset mid-stream data=', D, ' status=', status());
N = await writeSocket(SKT, 'more', SKT$BLOCKING, 5000);
crt('WRITE after reset n=', N, ' status=', status());
D = await readSocket(SKT, 100, SKT$NON_BLOCKING, 0);
crt('READ non-blocking after reset data=', D, ' status=', status());
await closeSocket(SKT);
