import { describe, it, expect } from 'vitest';
import { hashtagIssues, segmentWords } from '../../lambdas/core/checks/text/hashtags.js';

describe('segmentWords', () => {
  it.each([
    ['euisnumber', ['eu', 'is', 'number']],
    ['opendays', ['open', 'days']],
    ['womeninscience', ['women', 'in', 'science']],
    ['higgsboson', ['higgs', 'boson']],
  ])('splits %s into words', (run, words) => {
    expect(segmentWords(run)).toEqual(words);
  });

  it('gives up on a run with an unknown part', () => {
    expect(segmentWords('lhcbqwz')).toBeUndefined();
  });

  it('uses extra words it is given', () => {
    expect(segmentWords('zenodofan')).toBeUndefined();
    expect(segmentWords('zenodofan', new Set(['zenodo']))).toEqual(['zenodo', 'fan']);
  });
});

describe('hashtagIssues', () => {
  it("finds the EC sample post's hashtag, where it is, with its CamelCase form", () => {
    // Prepare
    const text = 'The project number 3 is very cool #euisnumber3';

    // Act
    const issues = hashtagIssues(text);

    // Assess
    expect(issues).toEqual([{ tag: '#euisnumber3', start: 34, end: 46, suggestion: '#EUIsNumber3' }]);
  });

  it.each([
    ['#Opendays', '#OpenDays'],
    ['#EUisnumber3', '#EUIsNumber3'],
    ['#machinelearning', '#MachineLearning'],
    ['#summer_students', '#Summer_Students'],
    ['#PhDlife', '#PhDLife'],
  ])('%s → %s', (tag, suggestion) => {
    expect(hashtagIssues(tag).map((i) => i.suggestion)).toEqual([suggestion]);
  });

  it("spells the preset's names as the institution does", () => {
    expect(hashtagIssues('#cernopenlab', ['CERN']).map((i) => i.suggestion)).toEqual(['#CERNOpenLab']);
    expect(hashtagIssues('#caltechnews', ['Caltech']).map((i) => i.suggestion)).toEqual(['#CaltechNews']);
  });

  it.each([
    ['CamelCase already', '#OpenDays #WomenInScience #EUIsNumber3'],
    ['single words', '#physics #science #neutrinos #astrophysics #outreach'],
    ['acronyms and codes', '#LHCb #ICHEP2026 #CERN70 #IWD2026'],
    ['unknown names', '#zenodoverse #scicomm'],
    ['hashtags in other languages', '#Forschungstag #énergie #科学'],
    ['a URL fragment and an HTML entity', 'https://example.org/page#section and &#39;quoted&#39;'],
  ])('leaves alone %s', (_what, text) => {
    expect(hashtagIssues(text)).toEqual([]);
  });
});
