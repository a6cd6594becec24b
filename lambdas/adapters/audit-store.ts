import * as z from 'zod/mini';
import type { ContentRecord } from '../core/audit/audit-export.js';
import type { AuditReader } from '../core/audit/audit-reader.js';
import { chainEnds, chainEvents, checkpointsBetween, earliestEventAt, eventAt, eventsOfDay, firstCheckpoint, latestCheckpoint } from './audit.js';
import { parseStored } from './items/stored-item.js';
import { getRequest } from './requests.js';

// What an export reads: the audit table, and the requests table for the content of each version (bound to the
// chain by the contentHash its events record, so the content needs no hash chain of its own).

/** A submission as the export hashes and writes it: plain JSON. */
const jsonObject = z.record(z.string(), z.json());

async function contents(requestId: string): Promise<ContentRecord[]> {
  const request = await getRequest(requestId);
  if (request === undefined) return [];
  // Earlier versions, kept by a new version (previousVersions), then the current one.
  const versions = [...(request.previousVersions ?? []), { version: request.version, submission: request.submission, contentHash: request.contentHash }];
  return versions.map((v) => ({
    kind: 'content',
    requestId,
    version: v.version,
    contentHash: v.contentHash,
    submission: parseStored(jsonObject, v.submission, 'the requests table', `${JSON.stringify({ requestId })} (the submission of version ${v.version})`),
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
