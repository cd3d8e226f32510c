/**
 * The single DynamoDB table's key schema. The CDK stack deploys it and the local stack
 * creates it from this same definition, so keys and indexes cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired idempotency markers by itself. */
  timeToLiveAttribute: 'expiresAt',
  indexes: [
    {
      /** A patient's bookings by start time: "is anything booked?" for the check-in. */
      indexName: 'byPatient',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
    },
  ],
} as const;
