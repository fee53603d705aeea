* PEERRESET: a peer that resets the connection on the first bytes it gets, and one that resets
* it mid-stream.
* PEER: reset
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN 1 status=':STATUS()
N = WRITE.SOCKET(SKT, 'hello', SKT$BLOCKING, 5000)
CRT 'WRITE hello n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ reset data=':D:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ again data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'x', SKT$BLOCKING, 5000)
CRT 'WRITE n=':N:' status=':STATUS()
CLOSE.SOCKET SKT
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN 2 status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'ack', SKT$BLOCKING, 5000)
CRT 'WRITE ack n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ reset mid-stream data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'more', SKT$BLOCKING, 5000)
CRT 'WRITE after reset n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$NON.BLOCKING, 0)
CRT 'READ non-blocking after reset data=':D:' status=':STATUS()
CLOSE.SOCKET SKT
STOP
