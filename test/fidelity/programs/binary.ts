// BINARY: every byte 0-255 round trip through an echo peer, field marks in records, a NUL alone.
// PEER: echo
import { closeSocket, openSocket, readSocket, status, writeSocket, SKT$BLOCKING } from 'scarlet-sockets/basic';
import { char, crt, dcount, extract, FM, hexOf, sentenceField, seq, SM, str, VM } from '../crt.js';
// (no screen pagination to turn off)
// PAGING = @(0, 0)
let GOT = '';
let ST = 0;
let WANT = '';
const PORT = sentenceField(4);
const SKT = await openSocket('127.0.0.1', PORT, SKT$BLOCKING);
crt('OPEN status=', status());
let ALL = '';
for (let I = 0; I <= 255; I++) {
  ALL += char(I);
}
let N = await writeSocket(SKT, ALL, SKT$BLOCKING, 5000);
crt('WRITE 256 bytes n=', N, ' status=', status());
WANT = ALL;
await readBack();
crt('READ len=', GOT.length, ' status=', ST, ' same=', Number(GOT === ALL));
for (let I = 1; I <= 256; I += 64) {
  crt('HEX ', I - 1, ' ', hexOf(GOT.substr(I - 1, 64)));
}
crt('BYTE 253=', seq(GOT.substr(253, 1)), ' 254=', seq(GOT.substr(254, 1)), ' 255=', seq(GOT.substr(255, 1)));
crt('FIELDS ', dcount(GOT, FM), ' VALUES ', dcount(GOT, VM));
const REC = 'ID1' + FM + 'A' + VM + 'B' + SM + 'C' + FM + '' + FM + char(255) + char(0);
N = await writeSocket(SKT, REC, SKT$BLOCKING, 5000);
crt('WRITE record n=', N, ' status=', status());
WANT = REC;
await readBack();
crt('READ record len=', GOT.length, ' same=', Number(GOT === REC), ' hex=', hexOf(GOT));
crt('RECORD <1>=', extract(GOT, 1), ' <2,1>=', extract(GOT, 2, 1), ' <2,2,2>=', extract(GOT, 2, 2, 2), ' <3>=', extract(GOT, 3), ' dcount=', dcount(GOT, FM));
N = await writeSocket(SKT, char(0), SKT$BLOCKING, 5000);
WANT = char(0);
await readBack();
crt('NUL n=', N, ' len=', GOT.length, ' hex=', hexOf(GOT));
const PAT = str(char(254) + char(0) + char(255) + char(128), 5000);
N = await writeSocket(SKT, PAT, SKT$BLOCKING, 5000);
WANT = PAT;
await readBack();
crt('PATTERN n=', N, ' len=', GOT.length, ' same=', Number(GOT === PAT), ' fields=', dcount(GOT, FM));
await closeSocket(SKT);

// READ.BACK: sets GOT and ST
async function readBack(): Promise<void> {
  GOT = '';
  let READS = 0;
  do {
    const D = await readSocket(SKT, 4096, SKT$BLOCKING, 5000);
    ST = status();
    GOT += D;
    READS += 1;
  } while (!(ST || GOT.length >= WANT.length || READS >= 1000));
}
