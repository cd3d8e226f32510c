/**
 * The single DynamoDB table's key schema. The CDK stack deploys it and the local stack
 * creates it from this same definition, so keys and indexes cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * Epoch seconds; DynamoDB deletes what has expired by itself: processed-event markers, outbox
   * entries never published, and sessions, answers and the email log (shared/retention.ts).
   */
  timeToLiveAttribute: 'expiresAt',
  /**
   * The table's stream carries each item as written: the outbox function reads CareLoop's own
   * events from it (the outbox entries, OUTBOX_SORT_KEY, and each email's claim marked sent with
   * its EmailSent), published once they are stored.
   */
  streamViewType: 'NEW_IMAGE',
  indexes: [
    {
      /** A patient's bookings by start time: "is anything booked?" for the check-in. */
      indexName: 'byPatient',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
    },
  ],
} as const;

/** The sort key of an outbox entry: what the outbox function's stream filter selects. */
export const OUTBOX_SORT_KEY = 'OUTBOX';

/** How an email's claim (the email log) sorts in its partition: `EMAIL#` and the email's key. */
export const EMAIL_SORT_KEY_PREFIX = 'EMAIL#';
