* BINARY: every byte 0-255 round trip through an echo peer, field marks in records, a NUL alone.
* PEER: echo
$INCLUDE SYSCOM KEYS.H
$INCLUDE SYSCOM ERR.H
* Any @(col, row) turns ScarletDME's screen pagination off (no 'Press RETURN' after 24 lines).
PAGING = @(0, 0)
PORT = FIELD(@SENTENCE, ' ', 4)
SKT = OPEN.SOCKET('127.0.0.1', PORT, SKT$BLOCKING)
CRT 'OPEN status=':STATUS()
ALL = ''
FOR I = 0 TO 255
   ALL := CHAR(I)
NEXT I
N = WRITE.SOCKET(SKT, ALL, SKT$BLOCKING, 5000)
CRT 'WRITE 256 bytes n=':N:' status=':STATUS()
WANT = ALL
GOSUB READ.BACK
CRT 'READ len=':LEN(GOT):' status=':ST:' same=':(GOT = ALL)
FOR I = 1 TO 256 STEP 64
   CRT 'HEX ':I - 1:' ':OCONV(GOT[I, 64], 'MX0C')
NEXT I
CRT 'BYTE 253=':SEQ(GOT[254, 1]):' 254=':SEQ(GOT[255, 1]):' 255=':SEQ(GOT[256, 1])
CRT 'FIELDS ':DCOUNT(GOT, @FM):' VALUES ':DCOUNT(GOT, @VM)
REC = 'ID1':@FM:'A':@VM:'B':@SM:'C':@FM:'':@FM:CHAR(255):CHAR(0)
N = WRITE.SOCKET(SKT, REC, SKT$BLOCKING, 5000)
CRT 'WRITE record n=':N:' status=':STATUS()
WANT = REC
GOSUB READ.BACK
CRT 'READ record len=':LEN(GOT):' same=':(GOT = REC):' hex=':OCONV(GOT, 'MX0C')
CRT 'RECORD <1>=':GOT<1>:' <2,1>=':GOT<2,1>:' <2,2,2>=':GOT<2,2,2>:' <3>=':GOT<3>:' dcount=':DCOUNT(GOT, @FM)
N = WRITE.SOCKET(SKT, CHAR(0), SKT$BLOCKING, 5000)
WANT = CHAR(0)
GOSUB READ.BACK
CRT 'NUL n=':N:' len=':LEN(GOT):' hex=':OCONV(GOT, 'MX0C')
PAT = STR(CHAR(254):CHAR(0):CHAR(255):CHAR(128), 5000)
N = WRITE.SOCKET(SKT, PAT, SKT$BLOCKING, 5000)
WANT = PAT
GOSUB READ.BACK
CRT 'PATTERN n=':N:' len=':LEN(GOT):' same=':(GOT = PAT):' fields=':DCOUNT(GOT, @FM)
CLOSE.SOCKET SKT
STOP

READ.BACK:
   GOT = ''
   READS = 0
   LOOP
      D = READ.SOCKET(SKT, 4096, SKT$BLOCKING, 5000)
      ST = STATUS()
      GOT := D
      READS += 1
   UNTIL ST OR LEN(GOT) >= LEN(WANT) OR READS >= 1000 REPEAT
   RETURN
