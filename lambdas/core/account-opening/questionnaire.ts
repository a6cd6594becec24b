import type { QuestionKey } from '../model.js';

// The questionnaire of an account opening (GOVERNANCE.md §6 A-QUESTIONNAIRE): CERN §3's twelve questions, in its
// order and words, and what a good answer to each says. Pure data: the body schema, the checks, the opening mail and
// the review page all read it.

/** The twelve questions of CERN §3, in its order. */
// biome-ignore format: packed word list, one line per group reads better than one word per line
export const QUESTION_KEYS: readonly QuestionKey[] = [
  'project',
  'platform',
  'audience',
  'existingChannel',
  'communications',
  'frequency',
  'resources',
  'endOfLife',
  'hashtagInstead',
  'closedGroupInstead',
  'evaluation',
  'readyToRetire',
];

/** What a good answer says (the finding's suggestion). */
export const ANSWER_HINTS: Readonly<Record<QuestionKey, string>> = {
  project: 'Name the experiment, project or event the account is for.',
  platform: 'Say which platform you want to use and why it suits your audience.',
  audience: 'Describe who you want to reach (e.g. "secondary-school physics teachers in Europe").',
  existingChannel: 'Name the existing accounts you considered and why contributing to them is not enough — or say that none exists.',
  communications: 'List the kinds of posts you plan (news, behind-the-scenes, event coverage, …).',
  frequency: 'Say how often you will post (e.g. "twice a week").',
  resources: 'Name the people who will run the account and how much of their time it has.',
  endOfLife: 'Say what happens to the account when the project ends: retired, handed over to another account, merged, …',
  hashtagInstead: 'Say whether a hashtag used on existing accounts would do, and if not, why.',
  closedGroupInstead: 'Say whether a closed Facebook or LinkedIn group would do, and if not, why.',
  evaluation: 'Say which figures you will follow (impressions, engagements, engagement rate, views, mentions) and how often.',
  readyToRetire:
    'Say whether you will retire the account if it does not perform (posting less than once a week, follower growth below 1.5% for over six months).',
};

/**
 * The questions as CERN §3 words them — in findings, mails and on the review page, and quoted as the findings'
 * sources: the submitter answers the institution's own questions.
 */
export const QUESTIONS: Readonly<Record<QuestionKey, string>> = {
  project: 'What experiment / project / event do you work for?',
  platform: 'What social media platform do you want to use?',
  audience: 'What audience are you trying to reach?',
  existingChannel: 'Is there an existing channel to which you could contribute?',
  communications: 'What communications do you plan to publish?',
  frequency: 'How regularly do you plan to communicate?',
  resources: 'What human resources do you have allocated to maintaining this new channel?',
  endOfLife: 'What is foreseen for the social media accounts when the project ends?',
  hashtagInstead: 'Would a hashtag suit your needs instead of a new social media profile?',
  closedGroupInstead: 'Would a closed Facebook/LinkedIn group suit your needs?',
  evaluation: 'How do you plan on evaluating the impact of your social media activities?',
  readyToRetire: 'Are you ready to retire your social media profile if it doesn’t perform to standards?',
};
