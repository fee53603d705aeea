import test from 'ava';
import { pairedRatio, passOrder, result } from '../bench/lib/report.js';

// Rounds from a machine that slows to 0.6 of its speed in the third pass, between the baseline's
// round and the measured side's: each pass runs the two back to back, and the measured side is
// 1.3x the baseline in every pass but that one.
const baseline = [1000, 1000, 1000, 600, 600];
const measured = [1300, 1300, 780, 780, 780];

test('pairedRatio is the median of the per-round ratios, untouched by a slow phase both sides shared', (t) => {
  t.is(pairedRatio(measured, baseline), 1.3);
  // The ratio of the medians divides the baseline's fast median by the measured side's slow one.
  t.is(result('pp', 'ping-pong', 'round trips/s', null, { raw: baseline, facade: measured }, undefined, {}).ratioOfMedians, 0.78);
});

test('pairedRatio takes the median of the round ratios, not their mean, so one odd pass does not move it', (t) => {
  t.is(pairedRatio([130, 131, 60, 129, 130], [100, 100, 100, 100, 100]), 1.3);
});

test('pairedRatio refuses rounds that are not pairs (unequal counts) instead of dividing unlike things', (t) => {
  t.throws(() => pairedRatio([120, 130, 140], [100, 100]), { message: /3 measured rounds against 2 of the baseline/ });
});

test('passOrder runs the first pass as given, the next reversed, and so on (ABBA)', (t) => {
  const servers = ['node', 'seraphim', 'static', 'nginx'];
  t.deepEqual([0, 1, 2, 3].map((pass) => passOrder(servers, pass).join(' ')), [
    'node seraphim static nginx',
    'nginx static seraphim node',
    'node seraphim static nginx',
    'nginx static seraphim node',
  ]);
  t.deepEqual(servers, ['node', 'seraphim', 'static', 'nginx'], 'the list itself is left as it was');
});

test('result() holds the paired ratio to the target and keeps the ratio of medians for information', (t) => {
  const r = result('pp', 'ping-pong', 'round trips/s', 0.95, {
    raw: [1000, 1000, 600],
    facade: [960, 960, 590],
    cpu: { raw: [10, 10, 20], facade: [11, 11, 21] },
  }, 'us/round trip', {});
  t.is(r.ratio, 0.96);
  t.is(r.ratioOfMedians, 0.96);
  t.true(r.pass);
  t.is(r.cpuPerOp?.ratio, 1.1);

  // A real cost, the measured side slower in every pass, shows in the paired ratio as in the
  // ratio of the medians: pairing never hides it.
  const slower = result('pp', 'ping-pong', 'round trips/s', 0.95, { raw: [1000, 1000, 1000], facade: [900, 910, 920] }, undefined, {});
  t.is(slower.ratio, 0.91);
  t.false(slower.pass);

  const lower = result('cpu', 'handshake CPU', 'us', 1.1, { raw: [1000, 2000, 1000], facade: [1050, 2100, 1050] }, undefined, {}, { better: 'lower' });
  t.is(lower.ratio, 1.05);
  t.true(lower.pass);
});
