import { parseLabelMatchers } from './labelMatchers';

const FIELD =
  'region sul: metadata.annotations.meridian.dev/prometheus-selector';

describe('parseLabelMatchers', () => {
  it('answers a list of label matchers re-written from what it parsed', () => {
    expect(
      parseLabelMatchers(
        ` { instance = "10.16.0.10:9187", job=~'postgres.*' ,env!="dev", tier!~"edge|x\\"y",} `,
        FIELD,
      ),
    ).toBe(
      '{instance="10.16.0.10:9187",job=~"postgres.*",env!="dev",tier!~"edge|x\\"y"}',
    );
  });

  it.each([
    ['{a="b"} or vector(0)', 'unexpected "or vector(0)" after }'],
    ['{a="b"} or {a="c"}', 'unexpected "or {a=\\"c\\"}" after }'],
    ['up{a="b"}', 'it must start with {'],
    ['{a="b" or b="c"}', 'expected , or } at "or b=\\"c\\"}"'],
    ['{a=b}', 'cannot read a matcher at "a=b}"'],
    ['{__name__=~".+"', 'it does not end with }'],
    ['{}', 'it has no matcher'],
    ['{a="\\q"}', '"\\q" has an escape PromQL does not know'],
    ['{a="b"}[5m]', 'unexpected "[5m]" after }'],
  ])('refuses %s naming the field and the value', (selector, why) => {
    expect(() => parseLabelMatchers(selector, FIELD)).toThrow(
      `${FIELD} ${JSON.stringify(
        selector,
      )} is not a list of label matchers like {instance="10.16.0.10:9187"}: ${why}`,
    );
  });
});
