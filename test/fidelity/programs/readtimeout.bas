* READTIMEOUT: READ.SOCKET's timeouts: non-blocking reads return at once whatever the timeout,
* blocking ones wait for it, 0 waits without limit, and data that comes late is still read.
* PEER: slow-echo
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN status=':STATUS():' blocking=':SOCKET.INFO(SKT, SKT$INFO.BLOCKING)
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$NON.BLOCKING, 2000)
GOSUB ELAPSED
CRT 'READ flags 2 timeout 2000 data=':D:' status=':STATUS():' time=':W
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 500)
GOSUB ELAPSED
CRT 'READ flags 1 timeout 500 data=':D:' status=':STATUS():' time=':W
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, 0, 1500)
GOSUB ELAPSED
CRT 'READ flags 0 timeout 1500 data=':D:' status=':STATUS():' time=':W
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 1)
GOSUB ELAPSED
CRT 'READ flags 1 timeout 1 data=':D:' status=':STATUS():' time=':W
N = WRITE.SOCKET(SKT, 'late', SKT$BLOCKING, 5000)
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 0)
GOSUB ELAPSED
CRT 'READ flags 1 timeout 0 data=':D:' status=':STATUS():' time=':W
N = WRITE.SOCKET(SKT, 'later', SKT$BLOCKING, 5000)
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 3000)
GOSUB ELAPSED
CRT 'READ flags 1 timeout 3000 data=':D:' status=':STATUS():' time=':W
N = WRITE.SOCKET(SKT, 'lost', SKT$BLOCKING, 5000)
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 500)
GOSUB ELAPSED
CRT 'READ before the echo data=':D:' status=':STATUS():' time=':W
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ the echo after a timeout data=':D:' status=':STATUS()
CLOSE.SOCKET SKT
STOP

ELAPSED:
   E = SYSTEM(1020) - T0
   IF E < 0 THEN E += 86400000
   IF E < 250 THEN W = '<250ms' ELSE W = '~':(INT((E + 250) / 500) / 2):'s'
   RETURN
