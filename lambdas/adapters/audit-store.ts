import * as z from 'zod/mini';
import type { ContentRecord } from '../core/audit/audit-export.js';
import type { AuditReader } from '../core/audit/audit-reader.js';
import { auditTable, type AuditTable } from './audit.js';
import { parseStored } from './items/stored-item.js';
import { getRequest } from './requests.js';

// What an export reads: the audit table, and the requests table for the content of each version (bound to the
// chain by the contentHash its events record, so the content needs no hash chain of its own). auditReaderOf builds
// it over any audit table and request reader (the audit CLI's own); auditReader is the function's.

/** A submission as the export hashes and writes it: plain JSON. */
const jsonObject = z.record(z.string(), z.json());

async function contents(readRequest: typeof getRequest, requestId: string): Promise<ContentRecord[]> {
  const request = await readRequest(requestId);
  if (request === undefined) return [];
  // Earlier versions, kept by a new version (previousVersions), then the current one.
  const versions = [
    ...(request.previousVersions ?? []),
    { version: request.version, submission: request.submission, contentHash: request.contentHash },
  ];
  return versions.map((v) => ({
    kind: 'content',
    requestId,
    version: v.version,
    contentHash: v.contentHash,
    submission: parseStored(
      jsonObject,
      v.submission,
      'the requests table',
      `${JSON.stringify({ requestId })} (the submission of version ${v.version})`,
    ),
  }));
}

export function auditReaderOf(audit: AuditTable, readRequest: typeof getRequest): AuditReader {
  return {
    eventsOfDay: audit.eventsOfDay,
    chainEvents: audit.chainEvents,
    eventAt: audit.eventAt,
    chainEnds: audit.chainEnds,
    earliestEventAt: audit.earliestEventAt,
    firstCheckpoint: audit.firstCheckpoint,
    latestCheckpoint: audit.latestCheckpoint,
    checkpointsBetween: audit.checkpointsBetween,
    contents: (requestId) => contents(readRequest, requestId),
  };
}

/** The function's reader: AUDIT_TABLE and REQUESTS_TABLE, read on first use. */
export const auditReader: AuditReader = auditReaderOf(auditTable(), getRequest);
