import type { Json } from './audit-chain.js';
import type { ContentRecord, ExportRecord } from './audit-export.js';
import { describeProblem, type VerifyReport } from './audit-verify.js';
import { ruleOf } from '../rules/catalogue.js';

// The evidence pack of one request (`npm run audit -- evidence REQUEST_ID`): what was approved, by whom, when,
// through which channel and under which rules, read from the request's verified export. Every statement in it
// comes from a hashed event or from content bound to one by its contentHash; names come from the directory.

export const EVIDENCE_FORMAT = 'signoff-evidence/1';

export interface EvidenceVersion {
  readonly version: number;
  readonly contentHash: string;
  readonly submittedAt: string | null;
  readonly submittedBy: string | null;
  readonly outcome: string | null;
  /** The version the final approval was given to. */
  readonly approved: boolean;
  readonly content: { readonly [key: string]: Json } | null;
}

export interface EvidenceDecision {
  readonly seq: number;
  readonly at: string;
  readonly version: number | null;
  readonly stage: string | null;
  readonly decision: string;
  readonly by: string;
  readonly name: string | null;
  /** web (review link) or mail. */
  readonly channel: string | null;
  /** sha256 of the review link id the decision came through (the link itself is never stored). */
  readonly linkHash: string | null;
  readonly comment: string | null;
  /** The statements the approver made with the decision (GOVERNANCE.md §5), as "RULE: statement". */
  readonly statements: readonly string[];
}

export interface EvidenceAction {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly by: string;
  readonly name: string | null;
  readonly channel: string | null;
  readonly details: { readonly [key: string]: Json };
}

export interface EvidenceFinding {
  readonly version: number | null;
  readonly rule: string;
  readonly severity: string;
  readonly message: string;
  readonly what: string | null;
  readonly source: string | null;
}

export interface EvidencePack {
  readonly format: typeof EVIDENCE_FORMAT;
  readonly requestId: string;
  readonly institution: string;
  readonly generatedAt: string;
  readonly verification: {
    readonly ok: boolean;
    readonly summary: string;
    readonly events: number;
    readonly checkpoints: number;
    readonly signaturesValid: number;
    readonly signaturesUnchecked: number;
    readonly unsealedEvents: number;
  };
  readonly request: {
    readonly kind: string | null;
    readonly account: string | null;
    readonly submitter: string | null;
    readonly submitterName: string | null;
    readonly channel: string | null;
    readonly submittedAt: string | null;
    readonly outcome: string | null;
    readonly outcomeAt: string | null;
  };
  readonly versions: readonly EvidenceVersion[];
  readonly decisions: readonly EvidenceDecision[];
  readonly approvalRequests: ReadonlyArray<{
    readonly at: string;
    readonly stage: string | null;
    readonly approver: string | null;
    readonly name: string | null;
    readonly deadline: string | null;
  }>;
  readonly actions: readonly EvidenceAction[];
  readonly findings: readonly EvidenceFinding[];
  readonly timeline: ReadonlyArray<{
    readonly seq: number;
    readonly at: string;
    readonly type: string;
    readonly actor: string;
    readonly hash: string;
  }>;
  readonly checkpoints: ReadonlyArray<{ readonly from: string; readonly to: string; readonly hash: string; readonly keyId: string }>;
}

export interface EvidenceInput {
  readonly requestId: string;
  readonly records: readonly ExportRecord[];
  readonly verification: VerifyReport;
  readonly institution: string;
  readonly nameOf: (email: string) => string | undefined;
  readonly generatedAt: string;
}

export const jsonString = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: Json | undefined): number | null => (typeof v === 'number' ? v : null);

/** Who may end or steer a request besides the approvers' decisions. */
const ACTION_TYPES = new Set([
  'request.withdrawn',
  'stage.expired',
  'request.outcome',
  'stage.escalation-skipped',
  'account.registered',
  'account.registration-refused',
  'workflow.failed',
]);

/** What an action changed, in words, for the printable page (the JSON keeps every detail). */
export function actionSummary(a: EvidenceAction): string {
  const d = a.details;
  if (a.type === 'publication.overridden') {
    const yesNo = (v: Json | undefined) => (v === true ? 'a publication' : 'not a publication');
    return `classified as ${yesNo(d['to'])} (the classifier said ${yesNo(d['from'])}); reason: “${jsonString(d['reason']) ?? '—'}”`;
  }
  if (a.type === 'account.registered')
    return `registered as ${jsonString(d['accountId']) ?? '?'} (${jsonString(d['handle']) ?? '?'} on ${jsonString(d['platform']) ?? '?'})`;
  if (a.type === 'account.registration-refused' || a.type === 'stage.escalation-skipped') return jsonString(d['reason']) ?? '';
  if (a.type === 'request.outcome') return jsonString(d['outcome']) ?? '';
  if (a.type === 'workflow.failed') return `the workflow failed at ${jsonString(d['step']) ?? '?'} (${jsonString(d['error']) ?? '?'})`;
  return '';
}

function statementsOf(value: Json | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((s) =>
    typeof s === 'object' && s !== null && !Array.isArray(s)
      ? [`${jsonString(s['rule']) ?? '?'}: ${jsonString(s['statement']) ?? ''}`]
      : [],
  );
}

export function verificationSummary(report: VerifyReport): string {
  if (!report.ok) return `FAILED — ${report.problem !== undefined ? describeProblem(report.problem) : 'unknown problem'}`;
  const sealed = report.events - report.unsealedEvents;
  return [
    `verified: ${report.events} events in ${report.chains} chain(s), every hash recomputed`,
    `${report.checkpoints} checkpoint(s) (${report.signatures.valid} signature(s) valid${report.signatures.unchecked > 0 ? `, ${report.signatures.unchecked} not checked: no key` : ''})`,
    report.unsealedEvents > 0
      ? `${sealed} event(s) sealed by a checkpoint, ${report.unsealedEvents} after the last checkpoint (chained, not yet sealed)`
      : 'every event sealed by a checkpoint',
    ...(report.partial !== undefined ? [report.partial] : []),
  ].join('; ');
}

export function buildEvidence(input: EvidenceInput): EvidencePack {
  const name = (email: string | null) => (email === null ? null : (input.nameOf(email) ?? null));
  const contents = new Map<number, ContentRecord>();
  const versions = new Map<
    number,
    { contentHash: string; submittedAt: string | null; submittedBy: string | null; outcome: string | null }
  >();
  const decisions: EvidenceDecision[] = [];
  const approvalRequests: Array<EvidencePack['approvalRequests'][number]> = [];
  const actions: EvidenceAction[] = [];
  const findings: EvidenceFinding[] = [];
  const timeline: Array<EvidencePack['timeline'][number]> = [];
  const checkpoints: Array<EvidencePack['checkpoints'][number]> = [];
  const request = {
    kind: null as string | null,
    account: null as string | null,
    submitter: null as string | null,
    channel: null as string | null,
    submittedAt: null as string | null,
    outcome: null as string | null,
    outcomeAt: null as string | null,
  };
  let approvedVersion: number | null = null;

  for (const record of input.records) {
    if (record.kind === 'content' && record.requestId === input.requestId) contents.set(record.version, record);
    if (record.kind === 'checkpoint')
      checkpoints.push({ from: record.period.from, to: record.period.to, hash: record.hash, keyId: record.keyId });
    if (record.kind !== 'event' || record.requestId !== input.requestId) continue;
    const e = record;
    const d = e.data;
    timeline.push({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, hash: e.hash });
    switch (e.type) {
      case 'request.submitted':
        Object.assign(request, {
          kind: jsonString(d['kind']),
          account: jsonString(d['account']),
          submitter: e.actor,
          channel: jsonString(d['channel']),
          submittedAt: e.at,
        });
        versions.set(num(d['version']) ?? 1, {
          contentHash: jsonString(d['contentHash']) ?? '',
          submittedAt: e.at,
          submittedBy: e.actor,
          outcome: null,
        });
        break;
      case 'request.version': {
        const v = num(d['version']);
        if (v !== null)
          versions.set(v, { contentHash: jsonString(d['contentHash']) ?? '', submittedAt: e.at, submittedBy: e.actor, outcome: null });
        break;
      }
      case 'checks.completed': {
        const list = Array.isArray(d['findings']) ? d['findings'] : [];
        for (const f of list) {
          if (typeof f !== 'object' || f === null || Array.isArray(f)) continue;
          const finding = f as { readonly [key: string]: Json };
          const rule = jsonString(finding['rule']) ?? '?';
          const entry = ruleOf(rule);
          findings.push({
            version: num(d['version']),
            rule,
            severity: jsonString(finding['severity']) ?? '?',
            message: jsonString(finding['message']) ?? '',
            what: entry?.what ?? null,
            source: entry?.source ?? null,
          });
        }
        break;
      }
      case 'approval.requested':
        approvalRequests.push({
          at: e.at,
          stage: jsonString(d['stage']),
          approver: jsonString(d['approver']),
          name: name(jsonString(d['approver'])),
          deadline: jsonString(d['deadline']),
        });
        break;
      case 'decision.recorded':
        decisions.push({
          seq: e.seq,
          at: e.at,
          version: num(d['version']),
          stage: jsonString(d['stage']),
          decision: jsonString(d['decision']) ?? '?',
          by: e.actor,
          name: name(e.actor),
          channel: jsonString(d['channel']),
          linkHash: jsonString(d['linkHash']),
          comment: jsonString(d['comment']),
          statements: statementsOf(d['statements']),
        });
        break;
      case 'request.outcome': {
        const outcome = jsonString(d['outcome']);
        request.outcome = outcome;
        request.outcomeAt = e.at;
        const v = num(d['version']);
        const known = v === null ? undefined : versions.get(v);
        if (v !== null && known !== undefined) versions.set(v, { ...known, outcome });
        if (outcome === 'approved') approvedVersion = v;
        break;
      }
      default:
        break;
    }
    if (ACTION_TYPES.has(e.type) || e.type.includes('override')) {
      actions.push({ seq: e.seq, at: e.at, type: e.type, by: e.actor, name: name(e.actor), channel: jsonString(d['channel']), details: d });
    }
  }

  const versionNumbers = [...new Set([...versions.keys(), ...contents.keys()])].sort((a, b) => a - b);
  const report = input.verification;
  return {
    format: EVIDENCE_FORMAT,
    requestId: input.requestId,
    institution: input.institution,
    generatedAt: input.generatedAt,
    verification: {
      ok: report.ok,
      summary: verificationSummary(report),
      events: report.events,
      checkpoints: report.checkpoints,
      signaturesValid: report.signatures.valid,
      signaturesUnchecked: report.signatures.unchecked,
      unsealedEvents: report.unsealedEvents,
    },
    request: { ...request, submitterName: name(request.submitter) },
    versions: versionNumbers.map((v) => {
      const known = versions.get(v);
      const content = contents.get(v);
      return {
        version: v,
        contentHash: known?.contentHash ?? content?.contentHash ?? '',
        submittedAt: known?.submittedAt ?? null,
        submittedBy: known?.submittedBy ?? null,
        outcome: known?.outcome ?? null,
        approved: v === approvedVersion,
        content: content?.submission ?? null,
      };
    }),
    decisions,
    approvalRequests,
    actions,
    findings,
    timeline,
    checkpoints,
  };
}
