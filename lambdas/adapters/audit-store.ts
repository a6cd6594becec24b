import type { Json } from '../core/audit/audit-chain.js';
import type { ContentRecord } from '../core/audit/audit-export.js';
import type { AuditReader } from '../core/audit/audit-reader.js';
import { chainEnds, chainEvents, checkpointsBetween, earliestEventAt, eventAt, eventsOfDay, firstCheckpoint, latestCheckpoint } from './audit.js';
import { getRequest } from './requests.js';

// What an export reads: the audit table, and the requests table for the content of each version (bound to the
// chain by the contentHash its events record, so the content needs no hash chain of its own).

interface VersionItem {
  readonly version: number;
  readonly submission: unknown;
  readonly contentHash: string;
}

async function contents(requestId: string): Promise<ContentRecord[]> {
  const request = await getRequest(requestId);
  if (request === undefined) return [];
  // Earlier versions, kept by a new version (previousVersions), then the current one.
  const earlier = (request as unknown as { readonly previousVersions?: readonly VersionItem[] }).previousVersions ?? [];
  const versions: VersionItem[] = [...earlier, { version: request.version, submission: request.submission, contentHash: request.contentHash }];
  return versions.map((v) => ({
    kind: 'content',
    requestId,
    version: v.version,
    contentHash: v.contentHash,
    submission: v.submission as { readonly [key: string]: Json },
  }));
}

export const auditReader: AuditReader = {
  eventsOfDay,
  chainEvents,
  eventAt,
  chainEnds,
  earliestEventAt,
  firstCheckpoint,
  latestCheckpoint,
  checkpointsBetween,
  contents,
};
