import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricLines } from './metrics';

/**
 * The same lines written by Powertools Metrics: the way back from CareLoop's own EMF lines
 * (./metrics-emf.ts), chosen by one import in ./metrics.ts and imported nowhere else, so no
 * bundle carries Powertools unless it is chosen (docs/decisions/0010-own-logger-and-metrics.md).
 * Powertools writes through a console of its own, so `write` is not used here, and it reads
 * POWERTOOLS_METRICS_DISABLED (and POWERTOOLS_DEV) when its instance is built, at the first flush.
 */
export const powertoolsLines: MetricLines = ({ namespace, service }) => {
  let metrics: PowertoolsMetrics | undefined;
  return (dimensions, values) => {
    metrics ??= new PowertoolsMetrics({ namespace, serviceName: service });
    try {
      for (const [key, value] of dimensions) metrics.addDimension(key, value);
      for (const [name, value] of values) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    } catch (error) {
      // Nothing half-added may ride along with the next invocation's metrics.
      metrics.clearMetrics();
      metrics.clearDimensions();
      throw error;
    }
  };
};
