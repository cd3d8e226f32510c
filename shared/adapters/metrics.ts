import { METRIC_NAMES, type MetricName, type Metrics } from '../domain/ports';
/**
 * Who writes the EMF lines: CareLoop itself. The way back to Powertools Metrics is this one line
 * (docs/decisions/0010-own-logger-and-metrics.md says what it costs and what changes):
 *
 *   import { powertoolsLines as selectedLines } from './metrics-powertools';
 */
import { emfLines as selectedLines } from './metrics-emf';

/**
 * Operational metrics as CloudWatch Embedded Metric Format (EMF) lines on stdout: Lambda's log
 * agent turns them into metrics, no API call, no extra latency. Written by CareLoop, in the
 * format Powertools Metrics writes, rather than through it (docs/decisions/0010).
 *
 * The domain counts through the Metrics port; the handler factories flush once per invocation
 * (shared/runtime/handlers.ts). Each flush writes one EMF line per set of dimensions used
 * (an EMF line carries one value per dimension for all its metrics) and one line with every
 * metric under the `service` dimension alone: the rollup the alarms read (infra/operations.ts),
 * since an alarm cannot sum a metric over all values of a dimension.
 *
 * `POWERTOOLS_METRICS_DISABLED=true` (set by vitest.config.ts) keeps the lines off stdout.
 */

export { METRIC_NAMES, type MetricName };

export const METRICS_NAMESPACE = 'CareLoop';
export const METRICS_SERVICE = 'careloop';

/** The dimensions of the rollup line: what alarms and dashboard totals select on. */
export const ROLLUP_DIMENSIONS: Readonly<Record<string, string>> = { service: METRICS_SERVICE };

/** The dimensions (besides `service`) each metric is published with, for dashboards and docs. */
export const METRIC_DIMENSIONS: Readonly<Record<MetricName, readonly string[]>> = {
  [METRIC_NAMES.eventsProcessed]: ['detailType', 'status'],
  [METRIC_NAMES.emailsClaimed]: ['kind'],
  [METRIC_NAMES.emailsSent]: ['kind'],
  [METRIC_NAMES.emailClaimsReleased]: ['kind'],
  [METRIC_NAMES.emailClaimsStuck]: ['kind'],
  [METRIC_NAMES.emailsSuppressed]: ['kind'],
  [METRIC_NAMES.scheduledJobs]: ['job', 'outcome'],
  [METRIC_NAMES.eventsPublished]: ['detailType'],
  [METRIC_NAMES.eventsAfterErasure]: ['detailType'],
};

/**
 * The email-claim lifecycle: a rollup line that carries any of these carries all of them (0
 * when none happened), so the "claimed without send" alarm's metric math always finds the
 * three datapoints side by side in the same period.
 */
export const CLAIM_LIFECYCLE_METRICS = [
  METRIC_NAMES.emailsClaimed,
  METRIC_NAMES.emailsSent,
  METRIC_NAMES.emailClaimsReleased,
] as const satisfies readonly MetricName[];

/**
 * Dimension values are names the code chooses (kinds, detail-types, outcomes); anything
 * else is published as `other`, so no id or free text can become a dimension by mistake.
 */
const DIMENSION_VALUE = /^[A-Za-z0-9._:-]{1,64}$/;
const safeValue = (value: string) => (DIMENSION_VALUE.test(value) ? value : 'other');

export interface MetricsRecorder extends Metrics {
  /** Writes what was counted since the last flush and forgets it. Never throws. */
  flush(): void;
}

export interface MetricsRecorderOptions {
  /**
   * Where each EMF line goes: stdout by default (nowhere when POWERTOOLS_METRICS_DISABLED is
   * true). CareLoop's own lines only: Powertools writes through its own console.
   */
  write?: (line: string) => void;
  /** Told when writing failed; the invocation goes on (metrics must not fail a send). */
  onError?: (error: unknown) => void;
}

/**
 * What writes the lines: given the namespace and service, a function that writes one EMF line
 * for counts sharing a set of dimensions (besides `service`, which every line carries first).
 */
export type MetricLines = (options: {
  namespace: string;
  service: string;
  write?: (line: string) => void;
}) => (dimensions: readonly (readonly [string, string])[], values: ReadonlyMap<MetricName, number>) => void;

interface Pending {
  name: MetricName;
  dimensions: [string, string][];
  value: number;
}

/**
 * Counts in memory and writes them on flush(). One recorder per process: Lambda runs one
 * invocation at a time per execution environment, and the handler flushes before returning.
 * `lines` is the writer chosen above; tests pass the other one to compare the two.
 */
export function createMetricsRecorder(
  options: MetricsRecorderOptions = {},
  lines: MetricLines = selectedLines,
): MetricsRecorder {
  const pending = new Map<string, Pending>();
  const publish = lines({ namespace: METRICS_NAMESPACE, service: METRICS_SERVICE, write: options.write });

  return {
    count(name, dimensions = {}, value = 1) {
      if (!Number.isFinite(value)) return;
      const entries = Object.entries(dimensions)
        .map(([key, dimensionValue]): [string, string] => [key, safeValue(dimensionValue)])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const key = JSON.stringify([name, entries]);
      const entry = pending.get(key);
      if (entry) entry.value += value;
      else pending.set(key, { name, dimensions: entries, value });
    },

    flush() {
      if (pending.size === 0) return;
      try {
        const byDimensions = new Map<string, { dimensions: [string, string][]; values: Map<MetricName, number> }>();
        const rollup = new Map<MetricName, number>();
        for (const { name, dimensions, value } of pending.values()) {
          rollup.set(name, (rollup.get(name) ?? 0) + value);
          // A count without dimensions is already in the rollup line: publishing it twice would double it.
          if (dimensions.length === 0) continue;
          const key = JSON.stringify(dimensions);
          const group = byDimensions.get(key) ?? { dimensions, values: new Map<MetricName, number>() };
          group.values.set(name, (group.values.get(name) ?? 0) + value);
          byDimensions.set(key, group);
        }
        if (CLAIM_LIFECYCLE_METRICS.some((name) => rollup.has(name))) {
          for (const name of CLAIM_LIFECYCLE_METRICS) rollup.set(name, rollup.get(name) ?? 0);
        }
        for (const group of byDimensions.values()) publish(group.dimensions, group.values);
        publish([], rollup);
      } catch (error) {
        options.onError?.(error);
      } finally {
        pending.clear();
      }
    },
  };
}

/** For callers that must pass a Metrics port but have nothing to report (tools, tests). */
export const discardMetrics: Metrics = { count: () => {} };
