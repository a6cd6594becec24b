// The sample requests `npm run sample` submits (and the end-to-end tests build on): a brand post by Ada for the
// Physics Department's X account, and Alan's request to open a Physics Department account on Bluesky. They fit the
// demo directory, config/directory.json.

/** A brand post that passes every check and goes supervisor → comms. */
export function samplePostBody(publishAt: string): Record<string, unknown> {
  return {
    kind: 'brand-post',
    submitter: 'ada@example.org',
    account: 'physics-x',
    title: 'Open day',
    text: 'Join us on Saturday for the Physics Open Day: lab tours, talks and hands-on demos for all ages. #OpenDay https://example.org/open-day',
    format: 'post',
    publishAt,
    media: [
      {
        type: 'image',
        url: 'https://example.org/media/open-day.jpg',
        alt: 'Visitors looking at a particle detector model',
        rights: 'own',
        showsPeople: true,
      },
    ],
    attestations: { peopleConsent: true, aiUsed: false },
  };
}

/** The twelve answers of a complete account opening (CERN §3's questions). */
export const SAMPLE_ANSWERS = {
  project: 'The Physics Department outreach programme: public lectures, open days and lab news.',
  platform: 'Bluesky, where many physicists and science journalists now are.',
  audience: 'Students, teachers and the interested public in the region.',
  existingChannel: 'The institute account posts institution-wide news; department events get lost there.',
  communications: 'Event announcements, short lab stories with photos, links to our news articles.',
  frequency: 'Three times a week',
  resources: 'Ada Lovelace (20 %) and Bob Noyce (10 %), with the communications office reviewing.',
  endOfLife: 'Archived and handed back to the communications office when the programme ends.',
  hashtagInstead: 'No: a hashtag on the institute account would not give the department its own audience.',
  closedGroupInstead: 'No: the audience is the public, not a closed group.',
  evaluation: 'Followers, replies and visits to the open-day pages, reviewed every quarter.',
  readyToRetire: 'Yes, if it does not reach 500 followers in a year.',
} as const;

/** An account opening that passes every A- check and goes management (Grace) → comms. */
export const SAMPLE_OPENING = {
  kind: 'account-opening',
  submitter: 'alan@example.org',
  unit: 'physics',
  platform: 'bluesky',
  handle: '@physics.example.org',
  admins: ['ada@example.org', 'bob@example.org'],
  questionnaire: SAMPLE_ANSWERS,
  attestations: { smmAdmin: true, credentialStore: 'vault://comms/social/physics-bluesky', commentPolicy: true },
} as const;
