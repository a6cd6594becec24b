import type { Attestation, Finding, Severity } from '../../model.js';
import { SEVERITY_RANK } from '../../rules/catalogue.js';
import { list, statementSeverity } from '../findings.js';
import { atMedia, mediaLabel, type Check } from './check-context.js';

// The submitter's statements (GOVERNANCE.md §5, attest by the submitter): P-PEOPLE-CONSENT, P-MEDIA-RIGHTS and
// P-AI-DISCLOSURE. A statement missing blocks under `attest` (statementSeverity, findings.ts); a statement made is
// kept as an `attest` finding with `attestation.satisfied`, for approvers and auditors.

/** Lower than or equal to `cap`: a sub-case of a rule that is milder than the rule (Creative Commons under P-MEDIA-RIGHTS). */
function atMost(level: Severity, cap: Severity): Severity {
  return SEVERITY_RANK[level] <= SEVERITY_RANK[cap] ? level : cap;
}

// ——— P-PEOPLE-CONSENT (attest, by the submitter) ———
// Media showing people: the submitter confirms the people agreed. CALTECH "Obtain permission before posting a photo
// of someone"; EC §4b "don't post a person's image without their consent"; LEIDEN "Respect privacy".
export const checkPeopleConsent: Check = (ctx, level) => {
  const items = ctx.submission.media.flatMap((item, i) => (item.showsPeople === true ? [i] : []));
  const first = items[0];
  if (first === undefined) return [];
  const satisfied = ctx.submission.attestations.peopleConsent === true;
  const severity = statementSeverity(level, satisfied);
  if (severity === undefined) return [];
  const which = list(items.map((i) => `${ctx.submission.media[i]?.type === 'video' ? 'video' : 'image'} ${i + 1}`));
  const attestation: Attestation = {
    statement: `Everyone recognisable in ${which} has agreed to appear in this post.`,
    by: 'submitter',
    satisfied,
  };
  return [
    {
      rule: 'P-PEOPLE-CONSENT',
      severity,
      media: first,
      where: items.map((i) => `media[${i}]`).join(', '),
      attestation,
      message: satisfied
        ? `The submitter confirmed that the people shown in ${which} agreed to appear in this post.`
        : `${which.charAt(0).toUpperCase()}${which.slice(1)} ${items.length > 1 ? 'show' : 'shows'} people, and the submitter has not confirmed that they agreed to appear. ` +
          'Confirm their consent (the peopleConsent statement; by mail, a line "Consent: yes"), or remove the media.',
    },
  ];
};

// ——— P-MEDIA-RIGHTS (attest, by the submitter) ———
// Each media item: own, licensed for social media with a credit, or public domain; Creative Commons gets a warning.
// CERN §1 "make sure you have the rights to use any third-party material … and give credit where it is due"; EC §4b
// "written permission specifically to use the content in social media" and "widely used licences (for instance,
// Creative Commons) are often not compatible with most social media's terms of use".
export const checkMediaRights: Check = (ctx, level) => {
  const findings: Finding[] = [];
  const stated: string[] = [];
  ctx.submission.media.forEach((item, i) => {
    const label = mediaLabel(item, i);
    const credit = item.credit?.trim();
    switch (item.rights) {
      case 'own':
        stated.push(`media[${i}] is the institution's own`);
        return;
      case 'public-domain':
        stated.push(`media[${i}] is in the public domain`);
        return;
      case 'licensed':
        if (credit !== undefined && credit.length > 0) {
          stated.push(`media[${i}] is licensed for social media, credited "${credit}"`);
          return;
        }
        break;
      case 'creative-commons':
        findings.push({
          rule: 'P-MEDIA-RIGHTS',
          severity: atMost(level, 'warn'),
          ...atMedia(i),
          attestation: { statement: `media[${i}] is under a Creative Commons licence.`, by: 'submitter', satisfied: true },
          message:
            `${label} is under a Creative Commons licence, which is often not compatible with social platforms' terms of use. ` +
            `Check that its licence allows this use${credit === undefined || credit.length === 0 ? ', and credit its author as the licence requires' : ` (credit: "${credit}")`}, or ask the copyright holder for written permission.`,
        });
        return;
      default:
        break;
    }
    const severity = statementSeverity(level, false);
    if (severity === undefined) return;
    const licensedWithoutCredit = item.rights === 'licensed';
    findings.push({
      rule: 'P-MEDIA-RIGHTS',
      severity,
      ...atMedia(i),
      attestation: {
        statement: `The institution may use media[${i}] on social media, with credit where it is due.`,
        by: 'submitter',
        satisfied: false,
      },
      message: licensedWithoutCredit
        ? `${label} is licensed but has no credit. Add the credit line the licence requires (e.g. "Photo: J. Smith/ESO").`
        : `The rights to ${label} are ${item.rights === 'unknown' ? 'unknown' : 'not stated'}. Say whether it is the institution's own, licensed for social media (with its credit) or in the public domain; if nobody knows, do not use it.`,
    });
  });
  if (stated.length > 0 && level === 'attest') {
    findings.unshift({
      rule: 'P-MEDIA-RIGHTS',
      severity: 'attest',
      attestation: { statement: `The submitter states the rights: ${list(stated)}.`, by: 'submitter', satisfied: true },
      message: `The submitter states the rights to the media: ${list(stated)}.`,
    });
  }
  return findings;
};

// ——— P-AI-DISCLOSURE (attest, by the submitter) ———
// Whether generative AI was used, and if so that the post discloses it. CERN "be transparent about their usage".
// The statement is demanded when AI was used; a submission that does not say is shown for information.
export const checkAiDisclosure: Check = (ctx, level) => {
  const { aiUsed, aiDisclosed } = ctx.submission.attestations;
  if (aiUsed === undefined) {
    return [
      {
        rule: 'P-AI-DISCLOSURE',
        severity: 'info',
        attestation: { statement: 'Whether generative AI was used for this post.', by: 'submitter', satisfied: false },
        message: 'The submitter did not say whether generative AI was used for the text or the media. If it was, the post must say so.',
      },
    ];
  }
  if (aiUsed === false) {
    return level === 'attest'
      ? [
          {
            rule: 'P-AI-DISCLOSURE',
            severity: 'attest',
            attestation: { statement: 'No generative AI was used for this post.', by: 'submitter', satisfied: true },
            message: 'The submitter states that no generative AI was used for this post.',
          },
        ]
      : [];
  }
  const satisfied = aiDisclosed === true;
  const severity = statementSeverity(level, satisfied);
  if (severity === undefined) return [];
  return [
    {
      rule: 'P-AI-DISCLOSURE',
      severity,
      attestation: { statement: 'Generative AI was used for this post, and the post says so.', by: 'submitter', satisfied },
      message: satisfied
        ? 'The submitter states that generative AI was used and that the post discloses it.'
        : 'Generative AI was used for this post, but the submitter has not confirmed that the post says so. Add a disclosure to the post (e.g. "Illustration generated with AI") and confirm it (the aiDisclosed statement; by mail, a line "AI disclosed: yes").',
      ...(satisfied ? {} : { suggestion: 'Add "Made with the help of generative AI" (or what the AI made) to the post.' }),
    },
  ];
};
