import type { IBucket, Bucket } from 'aws-cdk-lib/aws-s3';

// jsii interfaces declare optional properties without `| undefined`, so under our
// `exactOptionalPropertyTypes` a concrete CDK class does not type-check as its own interface
// (e.g. Bucket.isWebsite is `boolean | undefined`, IBucket.isWebsite is `boolean?`). This file is the
// one place that bridges it; the value is the same object, only its static type changes.
export function bucketRef(bucket: Bucket): IBucket {
  return bucket as unknown as IBucket;
}
