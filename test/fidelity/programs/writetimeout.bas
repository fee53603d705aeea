* WRITETIMEOUT: writes to a peer that never reads, on a socket opened with SKT$NON.BLOCKING:
* a blocking write times out with part of the data written, a non-blocking one returns at once.
* PEER: never-read
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$NON.BLOCKING)
CRT 'OPEN status=':STATUS():' blocking=':SOCKET.INFO(SKT, SKT$INFO.BLOCKING)
BIG = STR('x', 16777216)
T0 = SYSTEM(1020)
N = WRITE.SOCKET(SKT, BIG, SKT$BLOCKING, 1000)
E = SYSTEM(1020) - T0
IF E < 0 THEN E += 86400000
* How long filling the kernel's buffers takes depends on the machine: only say the timeout passed.
CRT 'WRITE blocking timeout 1000 status=':STATUS():' some=':(N > 0):' all=':(N = LEN(BIG)):' waited=':(E >= 900)
T0 = SYSTEM(1020)
N = WRITE.SOCKET(SKT, 'more', SKT$NON.BLOCKING, 5000)
GOSUB ELAPSED
CRT 'WRITE non-blocking n=':N:' status=':STATUS():' time=':W
T0 = SYSTEM(1020)
N = WRITE.SOCKET(SKT, 'more', 0, 5000)
GOSUB ELAPSED
CRT 'WRITE flags 0 n=':N:' status=':STATUS():' time=':W
R = SET.SOCKET.MODE(SKT, SKT$INFO.BLOCKING, 1)
T0 = SYSTEM(1020)
N = WRITE.SOCKET(SKT, 'more', 0, 500)
GOSUB ELAPSED
CRT 'WRITE flags 0 now blocking timeout 500 n=':N:' status=':STATUS():' time=':W
CLOSE.SOCKET SKT
CRT 'CLOSE status=':STATUS()
STOP

ELAPSED:
   E = SYSTEM(1020) - T0
   IF E < 0 THEN E += 86400000
   IF E < 250 THEN W = '<250ms' ELSE W = '~':(INT((E + 250) / 500) / 2):'s'
   RETURN
