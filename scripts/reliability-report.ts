import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run reliability`: runs the reliability suites and prints their figures: the contract
 * fuzz, the ordering property, the cut points, the fault-injection run of the local stack
 * and, when it exists, the burst test. Figures come from the lines the tests print
 * (`reliability fuzz: …`, `reliability faults: {json}`, `reliability <name>: …`) and from
 * vitest's JSON report (test counts and durations). Written to docs/reliability-figures.json.
 */

const root = process.cwd();
// The burst test: a file named *burst*, or an integration test whose name says "burst".
const burstFiles = existsSync(join(root, 'test/integration'))
  ? readdirSync(join(root, 'test/integration'))
      .filter(
        (name) =>
          name.endsWith('.test.ts') &&
          (name.includes('burst') ||
            /\bit\(\s*['"`][^'"`]*\bburst\b/.test(readFileSync(join(root, 'test/integration', name), 'utf8'))),
      )
      .map((name) => `test/integration/${name}`)
  : [];
const suites = [
  'test/unit/reliability',
  'test/unit/domain/ordering.property.test.ts',
  'test/e2e/faults.test.ts',
  ...burstFiles,
];

interface JsonReport {
  success: boolean;
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    assertionResults: { fullName: string; status: string; duration?: number; failureMessages?: string[] }[];
  }[];
}

async function run(): Promise<{ output: string; report: JsonReport | undefined; code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'careloop-reliability-'));
  const reportFile = join(dir, 'report.json');
  const args = ['vitest', 'run', ...suites, '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`];
  console.log(`$ npx ${args.join(' ')}`);
  let output = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npx', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('close', (status) => resolve(status ?? 1));
  });
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport) : undefined;
  rmSync(dir, { recursive: true, force: true });
  return { output, report, code };
}

const ANSI = /\u001b\[[0-9;]*m/g;

const lineOf = (output: string, name: string) =>
  output
    .replace(ANSI, '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith(`reliability ${name}: `))
    ?.slice(`reliability ${name}: `.length);

const number = (text: string | undefined, pattern: RegExp) => {
  const match = text ? pattern.exec(text) : null;
  return match ? Number(match[1]) : undefined;
};

function testsIn(report: JsonReport | undefined, fileEnd: string) {
  const file = report?.testResults.find((result) => result.name.endsWith(fileEnd));
  const tests = file?.assertionResults ?? [];
  return {
    tests: tests.length,
    passed: tests.filter((test) => test.status === 'passed').length,
    durationMs: Math.round(tests.reduce((sum, test) => sum + (test.duration ?? 0), 0)),
    results: tests,
  };
}

async function main() {
  const { output, report, code } = await run();

  const fuzzLine = lineOf(output, 'fuzz');
  const fuzz = {
    line: fuzzLine,
    events: number(fuzzLine, /^(\d+) events/),
    parsed: number(fuzzLine, /(\d+) parsed/),
    rejected: number(fuzzLine, /(\d+) rejected/),
    useCaseRuns: number(fuzzLine, /(\d+) use-case runs/),
    emails: number(fuzzLine, /(\d+) emails/),
    ...testsIn(report, 'reliability/fuzz.property.test.ts'),
    results: undefined,
  };

  const orderingSource = readFileSync(join(root, 'test/unit/domain/ordering.property.test.ts'), 'utf8');
  const orderingLine = lineOf(output, 'ordering');
  const ordering = {
    line: orderingLine,
    sequences:
      number(orderingLine, /(\d+) sequences/) ??
      [...orderingSource.matchAll(/numRuns:\s*(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0),
    ...testsIn(report, 'domain/ordering.property.test.ts'),
    results: undefined,
  };

  const cutLine = lineOf(output, 'cut points');
  const cutTests = testsIn(report, 'reliability/cut-points.test.ts');
  const cutPoints = {
    line: cutLine,
    cases: number(cutLine, /(\d+) cases/) ?? number(cutLine, /^(\d+)/),
    tests: cutTests.tests,
    passed: cutTests.passed,
    durationMs: cutTests.durationMs,
  };

  const faultsLine = lineOf(output, 'faults');
  let faults: Record<string, unknown> | undefined;
  try {
    faults = faultsLine ? (JSON.parse(faultsLine) as Record<string, unknown>) : undefined;
  } catch {
    faults = { line: faultsLine };
  }
  const faultTests = testsIn(report, 'e2e/faults.test.ts');

  const burstLine = lineOf(output, 'burst');
  const burst =
    burstFiles.length === 0
      ? undefined
      : {
          files: burstFiles,
          line: burstLine,
          size: number(burstLine, /(\d+) (?:events|bookings)/),
          seconds: number(burstLine, /([\d.]+) ?s\b/),
          ...(() => {
            const results = burstFiles.map((file) => testsIn(report, file));
            const burstTests = results.flatMap((r) => r.results).filter((t) => /burst/i.test(t.fullName));
            const named = burstTests.map((t) => /burst of (\d+)/i.exec(t.fullName)?.[1]).find(Boolean);
            return {
              burstTests: burstTests.map((t) => ({
                name: t.fullName,
                status: t.status,
                seconds: Math.round((t.duration ?? 0) / 100) / 10,
              })),
              sizeFromName: named ? Number(named) : undefined,
              burstSeconds: Math.round(burstTests.reduce((n, t) => n + (t.duration ?? 0), 0) / 100) / 10,
              tests: results.reduce((n, r) => n + r.tests, 0),
              passed: results.reduce((n, r) => n + r.passed, 0),
              durationMs: results.reduce((n, r) => n + r.durationMs, 0),
              names: results.flatMap((r) => r.results.map((t) => t.fullName)),
            };
          })(),
        };

  const figures = {
    generatedAt: new Date().toISOString(),
    command: `npx vitest run ${suites.join(' ')}`,
    success: code === 0 && (report?.success ?? false),
    tests: { total: report?.numTotalTests, passed: report?.numPassedTests, failed: report?.numFailedTests },
    fuzz,
    ordering,
    cutPoints,
    faults: faults && { ...faults, tests: faultTests.tests, passed: faultTests.passed },
    burst: burst ?? 'no test/integration/*burst* test yet',
  };
  writeFileSync(join(root, 'docs/reliability-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);

  const f = (faults ?? {}) as {
    faults?: Record<string, number>;
    requests?: number;
    emailsChecked?: number;
    emailsExpected?: number;
    bookings?: number;
    eventsPublished?: number;
    seed?: number;
    rates?: Record<string, number>;
  };
  const rows: [string, string][] = [
    [
      'tests',
      `${report?.numPassedTests ?? '?'} passed / ${report?.numTotalTests ?? '?'} (${figures.success ? 'ok' : 'FAILED'})`,
    ],
    ['events fuzzed', `${fuzz.events ?? '?'} (${fuzz.parsed ?? '?'} parsed, ${fuzz.rejected ?? '?'} rejected)`],
    ['fuzz use-case runs / emails', `${fuzz.useCaseRuns ?? '?'} / ${fuzz.emails ?? '?'}`],
    ['ordering sequences generated', `${ordering.sequences}`],
    ['cut-point tests', `${cutPoints.tests}${cutPoints.cases ? ` (${cutPoints.cases} cases)` : ''}`],
    ['faults seed / rates', `${f.seed ?? '?'} / ${JSON.stringify(f.rates ?? {})}`],
    [
      'faults injected',
      Object.entries(f.faults ?? {})
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ') || '?',
    ],
    ['proxied requests', `${f.requests ?? '?'}`],
    ['bookings / events published', `${f.bookings ?? '?'} / ${f.eventsPublished ?? '?'}`],
    ['emails checked (expected)', `${f.emailsChecked ?? '?'} (${f.emailsExpected ?? '?'})`],
    [
      'burst',
      burst
        ? `${burst.size ?? burst.sizeFromName ?? '?'} in ${burst.seconds ?? burst.burstSeconds} s (${burst.burstTests.filter((t) => t.status === 'passed').length}/${burst.burstTests.length} burst tests passed)`
        : 'no burst test yet',
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log('\nCareLoop reliability figures');
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`);
  console.log('\nWritten to docs/reliability-figures.json');
  process.exit(figures.success ? 0 : 1);
}

void main();
