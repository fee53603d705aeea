import test from 'ava';
import { PeerRate, PeerShare, peerKey } from '../lib/peer-share.js';

test('peerKey counts an IPv4 address alone, and an IPv4 address seen through a dual-stack listener as the same', (t) => {
  t.is(peerKey('203.0.113.7'), '203.0.113.7');
  t.is(peerKey('::ffff:203.0.113.7'), '203.0.113.7');
  t.is(peerKey('::FFFF:203.0.113.7'), '203.0.113.7');
  t.not(peerKey('203.0.113.7'), peerKey('203.0.113.8'));
});

test('peerKey counts every IPv6 address of one /64 as one peer, whatever its spelling', (t) => {
  const key = peerKey('2001:db8:1:2::1');
  t.is(key, '2001:db8:1:2::/64');
  t.is(peerKey('2001:0db8:0001:0002:ffff:eeee:dddd:cccc'), key);
  t.is(peerKey('2001:db8:1:2:0:0:0:99'), key);
  t.not(peerKey('2001:db8:1:3::1'), key);
  t.is(peerKey('::1'), '0:0:0:0::/64');
  t.is(peerKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  t.is(peerKey('2001:db8::'), '2001:db8:0:0::/64');
});

test('PeerShare counts what each peer holds and forgets a peer that holds nothing', (t) => {
  const share = new PeerShare();
  share.take('a');
  share.take('a');
  share.take('b');
  t.is(share.held('a'), 2);
  t.is(share.held('b'), 1);
  share.release('a');
  share.release('b');
  t.is(share.held('a'), 1);
  t.is(share.held('b'), 0);
  t.is(share.held('c'), 0);
});

test('PeerRate lets a burst through, then its rate, per peer', (t) => {
  const rate = new PeerRate(3, 2);
  const at = 1000;
  t.deepEqual([1, 2, 3, 4].map(() => rate.take('a', at)), [true, true, true, false]);
  t.true(rate.take('b', at), 'another peer has its own burst');
  t.false(rate.take('a', at + 400), '0.8 of a token after 400 ms');
  t.true(rate.take('a', at + 500), 'one token after 500 ms');
  t.false(rate.take('a', at + 500));
  t.deepEqual([1, 2, 3, 4].map(() => rate.take('a', at + 60_000)), [true, true, true, false], 'refilled up to the burst, no more');
});

test('PeerRate answers right across the sweeps that forget peers whose bucket has refilled', (t) => {
  const rate = new PeerRate(1, 1);
  for (let i = 0; i < 5000; i++) t.true(rate.take(`peer-${i}`, i));
  // Peer 4999 took its token at 4999 ms: still empty at 4999.5 ms.
  t.false(rate.take('peer-4999', 4999.5));
  t.true(rate.take('peer-0', 10_000));
});
