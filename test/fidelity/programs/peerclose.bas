* PEERCLOSE: a peer that sends, closes and goes away: the data first, then SKT.CLOSED on every
* read, a write that still succeeds, and the write after the peer's reset.
* PEER: send-then-close
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ data=':D:' status=':STATUS()
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
GOSUB ELAPSED
CRT 'READ after close data=':D:' status=':STATUS():' time=':W
D = READ.SOCKET(SKT, 100, SKT$NON.BLOCKING, 0)
CRT 'READ non-blocking after close data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'x', SKT$BLOCKING, 5000)
CRT 'WRITE to a closed peer n=':N:' status=':STATUS()
* The peer's kernel answers that write with a reset; give it time to arrive.
NAP 500
N = WRITE.SOCKET(SKT, 'y', SKT$BLOCKING, 5000)
CRT 'WRITE after the reset n=':N:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'z', SKT$BLOCKING, 5000)
CRT 'WRITE again n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ after the reset data=':D:' status=':STATUS()
CLOSE.SOCKET SKT
CRT 'CLOSE status=':STATUS()
STOP

ELAPSED:
   E = SYSTEM(1020) - T0
   IF E < 0 THEN E += 86400000
   IF E < 250 THEN W = '<250ms' ELSE W = '~':(INT((E + 250) / 500) / 2):'s'
   RETURN
