/** Which HTTP statuses pass a probe, and how to say so. */
export interface StatusMatcher {
  matches(status: number): boolean;
  /** e.g. `2xx`, `200, 204 or 3xx`. */
  description: string;
}

const CODE = /^[1-5]\d\d$/;
const CLASS = /^[1-5]xx$/i;

/**
 * Reads `expectStatus`: a code (`200`), a class (`2xx`), or a list of them;
 * `2xx` when absent. Throws naming the key and the value of a bad one.
 */
export function readExpectStatus(value: unknown, key: string): StatusMatcher {
  if (value === undefined) {
    return readExpectStatus('2xx', key);
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) {
    throw new Error(`${key} must not be an empty list`);
  }
  const tests = items.map(item => {
    const text = typeof item === 'number' ? String(item) : item;
    if (typeof text === 'string' && CODE.test(text)) {
      const code = Number(text);
      return { test: (status: number) => status === code, text };
    }
    if (typeof text === 'string' && CLASS.test(text)) {
      const hundreds = Number(text[0]);
      return {
        test: (status: number) => Math.floor(status / 100) === hundreds,
        text: text.toLowerCase(),
      };
    }
    throw new Error(
      `${key} must be a status code like 200, a class like 2xx, or a list of them, got ${JSON.stringify(
        item,
      )}`,
    );
  });
  const texts = tests.map(t => t.text);
  return {
    matches: status => tests.some(t => t.test(status)),
    description:
      texts.length === 1
        ? texts[0]
        : `${texts.slice(0, -1).join(', ')} or ${texts[texts.length - 1]}`,
  };
}
