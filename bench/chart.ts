/**
 * `npm run bench:chart` (and the last step of `npm run bench`): reads every benchmark's results
 * in bench/results/*.json and writes the ratio chart, docs/images/benchmark-ratios.svg
 * (bench/lib/chart.ts draws it; docs/benchmarks.md shows it).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { captionLines, ChartInputError, loadResults, renderChart, targetText, verdictText } from './lib/chart.js';
import { ratioText } from './lib/report.js';

const USAGE = `usage: npx tsx bench/chart.ts [--results DIR] [--out FILE]
  --results DIR  where the benchmarks' JSON is (default bench/results)
  --out FILE     the SVG to write (default docs/images/benchmark-ratios.svg)`;

function main(): void {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      results: { type: 'string', default: 'bench/results' },
      out: { type: 'string', default: 'docs/images/benchmark-ratios.svg' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const dir = values.results as string;
  const out = values.out as string;
  if (!existsSync(dir)) throw new ChartInputError(`${dir} does not exist: run the benchmarks first (npm run bench)`);
  const data = loadResults(dir);
  const count = data.bars.flat().length;
  if (count === 0) throw new ChartInputError(`no benchmark results in ${dir}: run the benchmarks first (npm run bench)`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderChart(data));
  console.log(`Benchmark-ratio chart: ${count} bars from ${data.runs.length} run(s)`);
  for (const line of captionLines(data.runs)) console.log(`  ${line}`);
  for (const bar of data.bars.flat()) {
    console.log(`  ${bar.label.padEnd(44)} ${ratioText(bar, 3).padStart(8)}  ${targetText(bar).padEnd(9)}  ${verdictText(bar)}`);
  }
  console.log(`SVG: ${out}`);
}

try {
  main();
} catch (err) {
  if (err instanceof ChartInputError) {
    console.error(`bench:chart: ${err.message}`);
  } else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`${err.message}\n${USAGE}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
}
