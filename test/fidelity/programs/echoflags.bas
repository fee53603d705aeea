* ECHOFLAGS: WRITE.SOCKET and READ.SOCKET with flags 0, SKT$BLOCKING and SKT$NON.BLOCKING on a
* socket opened with flags 0 (non-blocking by default), short reads, an empty write, numeric
* strings as arguments, and a large write read back in a bounded loop.
* PEER: echo
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, 0)
CRT 'OPEN flags 0 status=':STATUS():' blocking=':SOCKET.INFO(SKT, SKT$INFO.BLOCKING)
N = WRITE.SOCKET(SKT, 'one', 0, 0)
CRT 'WRITE flags 0 n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ flags 1 data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'two', SKT$BLOCKING, 5000)
CRT 'WRITE flags 1 n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ flags 1 data=':D:' status=':STATUS()
N = WRITE.SOCKET(SKT, 'three', SKT$NON.BLOCKING, 0)
CRT 'WRITE flags 2 n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, 2, SKT$BLOCKING, 5000)
CRT 'READ max 2 data=':D:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$NON.BLOCKING, 5000)
CRT 'READ flags 2 data=':D:' status=':STATUS()
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, SKT$NON.BLOCKING, 5000)
GOSUB ELAPSED
CRT 'READ flags 2 nothing data=':D:' status=':STATUS():' time=':W
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, 0, 5000)
GOSUB ELAPSED
CRT 'READ flags 0 nothing data=':D:' status=':STATUS():' time=':W
N = WRITE.SOCKET(SKT, '', 0, 0)
CRT 'WRITE empty n=':N:' status=':STATUS()
R = SET.SOCKET.MODE(SKT, SKT$INFO.BLOCKING, 1)
N = WRITE.SOCKET(SKT, 'four', 0, 5000)
D = READ.SOCKET(SKT, 100, 0, 5000)
CRT 'READ flags 0 now blocking data=':D:' status=':STATUS()
T0 = SYSTEM(1020)
D = READ.SOCKET(SKT, 100, 0, 500)
GOSUB ELAPSED
CRT 'READ flags 0 blocking nothing data=':D:' status=':STATUS():' time=':W
N = WRITE.SOCKET(SKT, 'five', '2', '0')
CRT 'WRITE numeric strings n=':N:' status=':STATUS()
D = READ.SOCKET(SKT, '100', '1', '5000')
CRT 'READ numeric strings data=':D:' status=':STATUS()
BIG = STR('0123456789', 20000)
N = WRITE.SOCKET(SKT, BIG, SKT$BLOCKING, 5000)
CRT 'WRITE 200000 bytes n=':N:' status=':STATUS()
GOT = ''
READS = 0
LOOP
   D = READ.SOCKET(SKT, 65536, SKT$BLOCKING, 5000)
   ST = STATUS()
   GOT := D
   READS += 1
UNTIL ST OR LEN(GOT) >= LEN(BIG) OR READS >= 10000 REPEAT
CRT 'READ back len=':LEN(GOT):' status=':ST:' same=':(GOT = BIG)
N = WRITE.SOCKET(SKT, 'seven', SKT$BLOCKING, 5000)
D = READ.SOCKET(SKT, 1, SKT$BLOCKING, 5000)
CRT 'READ max 1 data=':D:' status=':STATUS()
D = READ.SOCKET(SKT, 0, SKT$BLOCKING, 5000)
CRT 'READ max 0 data=':D:' status=':STATUS()
D = READ.SOCKET(SKT, 100, SKT$BLOCKING, 5000)
CRT 'READ after max 0 data=':D:' status=':STATUS()
CLOSE.SOCKET SKT
CRT 'CLOSE status=':STATUS()
STOP

ELAPSED:
   E = SYSTEM(1020) - T0
   IF E < 0 THEN E += 86400000
   IF E < 250 THEN W = '<250ms' ELSE W = '~':(INT((E + 250) / 500) / 2):'s'
   RETURN
