import { output } from './logger';
import type { MetricLines } from './metrics';

/**
 * CareLoop's own EMF lines, in the shape Powertools Metrics writes them (one CloudWatchMetrics
 * directive, `service` first among the dimensions, each metric a Count), written to stdout
 * directly. test/unit/runtime/powertools-parity.test.ts holds them to Powertools' own lines.
 */
export const emfLines: MetricLines = ({ namespace, service, write }) => {
  // Read when writing, so the environment (POWERTOOLS_METRICS_DISABLED) counts as it is then.
  const writeLine =
    write ??
    ((line: string) => {
      if (process.env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase() !== 'true') output.write(1, `${line}\n`);
    });
  return (dimensions, values) => {
    const all: (readonly [string, string])[] = [['service', service], ...dimensions];
    writeLine(
      JSON.stringify({
        _aws: {
          Timestamp: Date.now(),
          CloudWatchMetrics: [
            {
              Namespace: namespace,
              Dimensions: [all.map(([key]) => key)],
              Metrics: [...values.keys()].map((name) => ({ Name: name, Unit: 'Count' })),
            },
          ],
        },
        ...Object.fromEntries(all),
        ...Object.fromEntries(values),
      }),
    );
  };
};
