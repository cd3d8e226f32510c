/**
 * AWS list prices (USD) in eu-central-1, on-demand, without free tiers, as of 2026-11-27. Sources in comments.
 *
 * The aws.amazon.com pricing pages render their regional tables client-side, so a stored copy of a page
 * shows the prose and the us-east-1 examples, not the Frankfurt column. Frankfurt values were therefore
 * taken from copies of the AWS Price List (the machine-readable feed behind those pages, usage types
 * `EUC1-*`), each named with its publication date in `source`. Where no Frankfurt value could be found,
 * the us-east-1 price is used and `source` says so. Re-check before quoting a figure to a customer.
 */

export interface PriceList {
  region: string;
  asOf: string;
  prices: Record<PriceKey, Price>;
}

export interface Price {
  usd: number;
  per: string;
  source: string;
}

export type PriceKey =
  | 'eventBridgeCustomEvent' // per PutEvents entry (custom events; 64 KB chunk)
  | 'lambdaRequest' // per invocation
  | 'lambdaGbSecondArm' // per GB-second, arm64
  | 'dynamoWriteRequestUnit' // on-demand WRU
  | 'dynamoReadRequestUnit' // on-demand RRU
  | 'schedulerInvocation' // EventBridge Scheduler, per invocation
  | 'sqsRequest' // standard queue, per request (64 KB chunk)
  | 'sesMessage' // SES outbound email, per message
  | 'sesAttachmentGb' // SES per GB of attachments
  | 'logsIngestionGb' // CloudWatch Logs standard ingestion per GB
  | 'xrayTraceRecorded' // per trace recorded
  | 'secretsManagerApiCall' // per API call
  | 'kmsRequest'; // per symmetric request

const PRICING = {
  eventBridge: 'https://aws.amazon.com/eventbridge/pricing/',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  dynamoDb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  ses: 'https://aws.amazon.com/ses/pricing/',
  cloudWatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  xRay: 'https://aws.amazon.com/xray/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
} as const;

export const PRICES: PriceList = {
  region: 'eu-central-1',
  asOf: '2026-11-27',
  prices: {
    // $1.00 per million custom events in every Region that was compared (us-east-1, eu-west-1, eu-central-1).
    // A PutEvents entry is billed per 64 KB chunk: CareLoop's events are far below 64 KB, so 1 entry = 1 event.
    eventBridgeCustomEvent: {
      usd: 0.000001,
      per: '1 custom event (one PutEvents entry, per 64 KB chunk)',
      source: `${PRICING.eventBridge} ($1.00 per million custom events; eu-central-1 same, Price List AWSEvents 2026-05-29)`,
    },
    // $0.20 per million requests, same in Frankfurt (usage type EUC1-Request).
    lambdaRequest: {
      usd: 0.0000002,
      per: '1 request (invocation)',
      source: `${PRICING.lambda} ($0.20 per 1M requests; eu-central-1 same, usage type EUC1-Request)`,
    },
    // Frankfurt is at the base (us-east-1) rate for Lambda; this is the first tier (first 7.5 billion
    // GB-seconds a month), which a clinic stack never leaves.
    lambdaGbSecondArm: {
      usd: 0.0000133334,
      per: '1 GB-second, arm64 (first 7.5 billion GB-s/month tier)',
      source: `${PRICING.lambda} ($0.0000133334 per GB-s Arm; eu-central-1 at the base rate, usage type EUC1-Lambda-GB-Second-ARM)`,
    },
    // After the November 2024 on-demand cut (about -50%): Frankfurt went from $1.525 to $0.7625 per million
    // WRU. Standard table class; Standard-IA costs more per request ($0.955 per million WRU).
    dynamoWriteRequestUnit: {
      usd: 0.0000007625,
      per: '1 write request unit (on-demand, Standard table class; 1 KB standard write)',
      source: `${PRICING.dynamoDb} ($0.7625 per million WRU in eu-central-1; Price List AmazonDynamoDB 2026-08-15)`,
    },
    // Same cut: $0.305 -> $0.1525 per million RRU. An eventually consistent read up to 4 KB is half an RRU.
    dynamoReadRequestUnit: {
      usd: 0.0000001525,
      per: '1 read request unit (on-demand, Standard table class; 4 KB strongly consistent read)',
      source: `${PRICING.dynamoDb} ($0.1525 per million RRU in eu-central-1; Price List AmazonDynamoDB 2026-08-15)`,
    },
    // Frankfurt is dearer than us-east-1 ($1.00). The first 14 million invocations a month are $0 in the
    // price list itself; they are left out here like the free tiers.
    schedulerInvocation: {
      usd: 0.00000115,
      per: '1 scheduled invocation (beyond the first 14 million per month, which are $0)',
      source: `${PRICING.eventBridge} ($1.15 per million scheduled invocations in eu-central-1; Price List AWSEvents 2026-05-29)`,
    },
    // Every SQS action is a request (send, receive, delete, change visibility), billed per 64 KB chunk.
    // Frankfurt matches us-east-1 in the first tier (first 100 billion requests a month).
    sqsRequest: {
      usd: 0.0000004,
      per: '1 request (standard queue, per 64 KB chunk, first 100 billion/month tier)',
      source: `${PRICING.sqs} ($0.40 per million standard-queue requests; eu-central-1 same, Price List AWSQueueService 2025-08-28)`,
    },
    // À la carte outbound: $0.10 per 1,000, billed per recipient (CareLoop sends one recipient per email).
    // Since 2026-07-21 SES also sells plans, and new accounts default to "Essentials" at $0.16 per 1,000
    // (us-east-1); choose the plan with PutAccountPricingAttributes (NONE = à la carte).
    sesMessage: {
      usd: 0.0001,
      per: '1 outbound message (per recipient, à la carte pricing)',
      source: `${PRICING.ses} (à la carte $0.10 per 1,000; us-east-1 price, eu-central-1 not separately verified; Essentials plan $0.16 per 1,000)`,
    },
    sesAttachmentGb: {
      usd: 0.12,
      per: '1 GB of attachments sent (base64-encoded size)',
      source: `${PRICING.ses} ($0.12 per GB of attachments; us-east-1 price, eu-central-1 not separately verified)`,
    },
    // Frankfurt is 26% above us-east-1 ($0.50) here: the line most worth watching (log volume per invocation).
    logsIngestionGb: {
      usd: 0.63,
      per: '1 GB ingested (Standard log class)',
      source: `${PRICING.cloudWatch} ($0.63 per GB in eu-central-1, usage type EUC1-DataProcessing-Bytes; Price List AmazonCloudWatch 2026-08-06)`,
    },
    // The page quotes one rate ($5.00 per million, $0.000005 per trace) with no regional table.
    xrayTraceRecorded: {
      usd: 0.000005,
      per: '1 trace recorded',
      source: `${PRICING.xRay} ($5.00 per million traces recorded; single rate on the page, eu-central-1 not separately verified)`,
    },
    secretsManagerApiCall: {
      usd: 0.000005,
      per: '1 API call ($0.05 per 10,000)',
      source: `${PRICING.secretsManager} ($0.05 per 10,000 API calls; us-east-1 price, eu-central-1 not separately verified)`,
    },
    // Symmetric Encrypt/Decrypt/GenerateDataKey. DynamoDB, SQS and CloudWatch Logs cache data keys, so
    // requests grow far slower than bookings.
    kmsRequest: {
      usd: 0.000003,
      per: '1 symmetric request ($0.03 per 10,000)',
      source: `${PRICING.kms} ($0.03 per 10,000 requests; us-east-1 price, eu-central-1 not separately verified)`,
    },
  },
};

/** Fixed monthly costs per deployed stack (per clinic account), independent of traffic. */
export interface MonthlyFixed {
  item: string;
  usd: number;
  per: string;
  source: string;
}

/** Monthly unit prices of the fixed items (same in us-east-1, eu-west-1 and eu-central-1 where compared). */
const MONTHLY = {
  // Standard resolution, per alarm metric: a metric-math alarm bills one alarm metric per metric it reads.
  alarmMetric: 0.1,
  dashboard: 3,
  // First year of a key. With automatic (yearly) rotation, the first and second rotations add $1/month each;
  // later rotations add nothing (KMS price cap since April 2024), so a key settles at $3/month.
  kmsKey: 1,
  secret: 0.4,
} as const;

/**
 * Lambda's SQS event source mapping long-polls the queue even when it is empty, and every empty
 * ReceiveMessage is a billed request. AWS does not publish the idle poller count; 5 is the number of
 * batches Lambda starts with on a standard queue ("five batches at a time", Lambda developer guide), so
 * 5 pollers x 3 long polls (20 s wait) a minute x 60 x 730 hours = 657,000 requests a month.
 */
const IDLE_POLLERS = 5;
const LONG_POLLS_PER_MINUTE = 60 / 20;
const HOURS_PER_MONTH = 730;
const EMPTY_RECEIVES_PER_MONTH = IDLE_POLLERS * LONG_POLLS_PER_MINUTE * 60 * HOURS_PER_MONTH;

/** Dollar amounts without binary floating-point noise (0.1 * 3 = 0.30000000000000004). */
const usd = (value: number): number => Math.round(value * 1e6) / 1e6;

export const MONTHLY_FIXED: (count: {
  alarms: number;
  dashboards: number;
  kmsKeys: number;
  secrets: number;
}) => MonthlyFixed[] = (count) => [
  {
    item: 'CloudWatch alarms',
    usd: usd(count.alarms * MONTHLY.alarmMetric),
    per: `${count.alarms} x $0.10 per standard-resolution alarm metric-month (a metric-math alarm counts each metric it reads)`,
    source: `${PRICING.cloudWatch} ($0.10 per alarm metric; eu-central-1 same, Price List AmazonCloudWatch 2026-08-06)`,
  },
  {
    item: 'CloudWatch dashboards',
    usd: usd(count.dashboards * MONTHLY.dashboard),
    per: `${count.dashboards} x $3.00 per custom dashboard-month`,
    source: `${PRICING.cloudWatch} ($3.00 per dashboard per month, not Region-specific)`,
  },
  {
    item: 'KMS customer managed keys',
    usd: usd(count.kmsKeys * MONTHLY.kmsKey),
    per: `${count.kmsKeys} x $1.00 per key-month (first year; yearly rotation adds $1 after the 1st and 2nd rotation, capped at $3)`,
    source: `${PRICING.kms} ($1/month per key, prorated hourly; us-east-1 price, eu-central-1 not separately verified)`,
  },
  {
    item: 'Secrets Manager secrets',
    usd: usd(count.secrets * MONTHLY.secret),
    per: `${count.secrets} x $0.40 per secret-month (a replica counts as another secret)`,
    source: `${PRICING.secretsManager} ($0.40 per secret per month; us-east-1 price, eu-central-1 not separately verified)`,
  },
  {
    item: 'SQS empty receives (Lambda event source mapping on the due-jobs queue)',
    usd: usd(EMPTY_RECEIVES_PER_MONTH * PRICES.prices.sqsRequest.usd),
    per:
      `1 idle queue: estimate ${IDLE_POLLERS} pollers x ${LONG_POLLS_PER_MINUTE} long polls (20 s) a minute x ` +
      `${HOURS_PER_MONTH} h = ${EMPTY_RECEIVES_PER_MONTH.toLocaleString('en-US')} ReceiveMessage requests/month`,
    source:
      `${PRICING.sqs}; empty receives billed: https://aws.amazon.com/premiumsupport/knowledge-center/sqs-high-charges/; ` +
      'pollers: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html',
  },
];
