import type { Finding } from '../../model.js';
import { CONTEST_CONTEXT, POLITICAL_CUES, SENSITIVE_CUES, findCues } from '../text/lexicon.js';
import { list, quote } from '../findings.js';
import { atText, type Check, type CheckContext } from './check-context.js';
import { handleKey } from '../../rules/platforms.js';

// What the institution is seen to stand for (GOVERNANCE.md §5): the three rules that ask an approver stage to look —
// P-POLITICAL (route → comms clears it explicitly), P-ENDORSEMENT (attest by comms: "reputational check done") and
// P-SENSITIVE-MATTER (route → ethics). Their stages are in the rule catalogue (rules/catalogue.ts).

/**
 * Sites an institution links to when it shares its own videos, papers, code, events and press coverage; a link to
 * them is not an endorsement needing a reputational check (P-ENDORSEMENT). Presets add their own and verified sites.
 */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const SHARED_CONTENT_DOMAINS: readonly string[] = [
  // platforms where the institution's own content lives
  'youtube.com', 'youtu.be', 'vimeo.com', 'x.com', 'twitter.com', 'linkedin.com', 'instagram.com', 'facebook.com', 'threads.net',
  'bsky.app', 'tiktok.com', 'flickr.com', 'github.com', 'gitlab.com', 'zenodo.org',
  // event and meeting tools
  'eventbrite.com', 'zoom.us', 'teams.microsoft.com', 'indico.org', 'forms.office.com', 'forms.gle',
  // scholarly publishing
  'doi.org', 'arxiv.org', 'nature.com', 'science.org', 'sciencedirect.com', 'springer.com', 'wiley.com', 'iop.org', 'aps.org', 'cell.com',
  'thelancet.com', 'nejm.org', 'pnas.org', 'bmj.com', 'frontiersin.org', 'mdpi.com', 'plos.org', 'biorxiv.org', 'medrxiv.org',
  'researchgate.net', 'acs.org', 'oup.com', 'cambridge.org', 'tandfonline.com', 'sagepub.com', 'elifesciences.org',
  // press
  'bbc.com', 'bbc.co.uk', 'theguardian.com', 'nytimes.com', 'reuters.com', 'apnews.com', 'washingtonpost.com', 'economist.com', 'ft.com',
  'bloomberg.com', 'cnn.com', 'npr.org', 'latimes.com', 'newscientist.com', 'scientificamerican.com', 'physicsworld.com',
  'quantamagazine.org', 'phys.org', 'space.com', 'wired.com', 'theconversation.com', 'sciencenews.org', 'euronews.com', 'politico.eu',
  'lemonde.fr', 'swissinfo.ch', 'nos.nl', 'nrc.nl', 'spiegel.de', 'elpais.com', 'symmetrymagazine.org', 'cerncourier.com',
];

/** Top-level (and second-level) domains of commercial sites. A country domain alone says nothing, so is not flagged. */
const COMMERCIAL_SUFFIX =
  /\.(?:com|net|biz|io|co|shop|store|ai|app|xyz|online|site|tech|company|business|inc|ltd|llc|(?:co|com)\.[a-z]{2})$/u;

// ——— P-POLITICAL (route → comms must clear it explicitly) ———
// CERN "does not take political positions"; CALTECH "may not be used to endorse any opinion, product, private
// business, cause, or political candidate"; ALUMNI "They do not provide a political platform".
export const checkPolitical: Check = (ctx, level) => {
  const text = ctx.prose;
  const cues = findCues(text, POLITICAL_CUES).filter((m) => {
    if (!m.label.startsWith('a call to vote')) return true;
    // Voting for a photo or an award is not politics: look at the sentence around the cue.
    const before = text.lastIndexOf('.', m.start);
    const after = text.indexOf('.', m.end);
    return !CONTEST_CONTEXT.test(text.slice(before + 1, after === -1 ? undefined : after));
  });
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  const institution = ctx.directory.institution;
  if (level === 'route') {
    return [
      {
        rule: 'P-POLITICAL',
        severity: 'route',
        stage: 'comms',
        ...atText(ctx, first),
        attestation: { statement: 'The communications team cleared the political content of this post.', by: 'comms', satisfied: false },
        message: `The post may take a political position: ${what} (${quote(first.text)}). ${institution}'s accounts do not take political positions or endorse candidates or causes; the communications approver must clear this explicitly.`,
      },
    ];
  }
  return [
    {
      rule: 'P-POLITICAL',
      severity: level,
      ...atText(ctx, first),
      message: `The post may take a political position: ${what} (${quote(first.text)}). Every post is read as a statement of ${institution}; approvers should check it takes no political position.`,
    },
  ];
};

interface ThirdParty {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

function onDomain(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/^www\./u, '');
  return domains.some((d) => {
    const domain = d.toLowerCase().replace(/^www\./u, '');
    return h === domain || h.endsWith(`.${domain}`);
  });
}

const MENTION = /(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)(?:@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}))?/gu;

/** Mentions of accounts and links to commercial sites that are neither the institution's nor trusted. */
function thirdParties(ctx: CheckContext): ThirdParty[] {
  const own = [ctx.directory.domain, ...ctx.preset.trusted.domains];
  const trustedDomains = [...own, ...SHARED_CONTENT_DOMAINS];
  const registered = new Set([...ctx.directory.accounts.map((a) => handleKey(a.handle)), ...ctx.preset.trusted.handles.map(handleKey)]);
  const parties: ThirdParty[] = [];
  for (const m of ctx.prose.matchAll(MENTION)) {
    const handle = handleKey(m[0]);
    const server = m[2];
    // A handle that is a domain (Bluesky) or lives on a server (Mastodon) of the institution is the institution's.
    const domain = server ?? (handle.includes('.') ? handle : undefined);
    if (registered.has(handle) || (domain !== undefined && onDomain(domain, own))) continue;
    parties.push({ name: m[0], start: m.index, end: m.index + m[0].length });
  }
  const text = ctx.submission.text;
  let from = 0;
  for (const link of ctx.links) {
    const at = text.indexOf(link, from);
    from = at === -1 ? from : at + link.length;
    let host: string;
    try {
      host = new URL(link.startsWith('www.') ? `https://${link}` : link).hostname;
    } catch {
      continue;
    }
    if (onDomain(host, trustedDomains) || !COMMERCIAL_SUFFIX.test(host.toLowerCase())) continue;
    parties.push({ name: host.replace(/^www\./u, ''), start: Math.max(0, at), end: Math.max(0, at) + link.length });
  }
  return parties.sort((a, b) => a.start - b.start);
}

// ——— P-ENDORSEMENT (attest, by comms) ———
// Mentions of or links to third-party accounts, products, services: comms confirms "reputational check done".
// CERN "Before posting, you must run a reputational check to make sure they are not in conflict with the values in
// CERN's Code of Conduct." Registered accounts, the preset's verified accounts and sites, and the sites where
// institutions share their own content and press coverage (SHARED_CONTENT_DOMAINS) need no check.
export const checkEndorsement: Check = (ctx, level) => {
  const parties = thirdParties(ctx);
  const first = parties[0];
  if (first === undefined) return [];
  const names = [...new Set(parties.map((p) => p.name))];
  const base: Pick<Finding, 'rule' | 'span' | 'where'> = { rule: 'P-ENDORSEMENT', ...atText(ctx, first) };
  if (level === 'attest') {
    return [
      {
        ...base,
        severity: 'attest',
        attestation: {
          statement: `Reputational check done: ${list(names)} ${names.length > 1 ? 'are' : 'is'} not in conflict with the values of ${ctx.directory.institution}.`,
          by: 'comms',
          satisfied: false,
        },
        message: `The post mentions or links to third parties that are not registered institutional accounts: ${list(names)}. Before an institutional account writes about third-party accounts, products or services, a reputational check is required; the communications approver confirms it was done.`,
      },
    ];
  }
  return [
    {
      ...base,
      severity: level,
      message: `The post mentions or links to third parties that are not registered institutional accounts: ${list(names)}. Approvers should check that they cannot harm the institution's reputation.`,
    },
  ];
};

// ——— P-SENSITIVE-MATTER (route → ethics) ———
// Investigations and calls for tender. EC §2c "could be seen a breach of impartiality by your institution
// (especially if related to investigations or calls for tender)".
export const checkSensitiveMatter: Check = (ctx, level) => {
  const cues = findCues(ctx.prose, SENSITIVE_CUES);
  const first = cues[0];
  if (first === undefined) return [];
  const what = list([...new Set(cues.map((c) => c.label))]);
  if (level === 'route') {
    return [
      {
        rule: 'P-SENSITIVE-MATTER',
        severity: 'route',
        stage: 'ethics',
        ...atText(ctx, first),
        message: `The post concerns ${what} (${quote(first.text)}). Commenting on investigations or calls for tender can be seen as a breach of impartiality, so the ethics service reviews the post as well.`,
      },
    ];
  }
  return [
    {
      rule: 'P-SENSITIVE-MATTER',
      severity: level,
      ...atText(ctx, first),
      message: `The post concerns ${what} (${quote(first.text)}). Approvers should check that the information is public and that posting it treats every party impartially.`,
    },
  ];
};
