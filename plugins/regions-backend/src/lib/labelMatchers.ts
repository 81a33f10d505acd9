/** One PromQL label matcher, e.g. `instance=~"10\\.16\\..*"`. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const OP = '=~|!~|!=|=';
// A double- or single-quoted PromQL string, escapes included.
const STRING = `"(?:[^"\\\\\\n]|\\\\.)*"|'(?:[^'\\\\\\n]|\\\\.)*'`;
const MATCHER = new RegExp(`^\\s*(${LABEL})\\s*(${OP})\\s*(${STRING})\\s*`);

/**
 * Parses a selector written in an entity or in config as a list of label
 * matchers only (`{instance="10.16.0.10:9187", job=~"postgres.*"}`), and
 * answers it re-written from what was parsed. Anything else — an operator, a
 * function, a second selector (`{a="b"} or vector(0)`), a metric name —
 * throws, so an entity author cannot inject PromQL into Meridian's queries.
 * `field` names where the selector was written, for the error.
 */
export function parseLabelMatchers(selector: string, field: string): string {
  const refuse = (why: string): never => {
    throw new Error(
      `${field} ${JSON.stringify(
        selector,
      )} is not a list of label matchers like {instance="10.16.0.10:9187"}: ${why}`,
    );
  };
  const trimmed = selector.trim();
  if (!trimmed.startsWith('{')) {
    refuse('it must start with {');
  }
  let rest = trimmed.slice(1);
  const matchers: LabelMatcher[] = [];
  for (;;) {
    rest = rest.trimStart();
    if (rest === '}') {
      break;
    }
    if (rest === '') {
      refuse('it does not end with }');
    }
    const match = MATCHER.exec(rest);
    if (!match) {
      refuse(
        rest.startsWith('}')
          ? `unexpected ${JSON.stringify(rest.slice(1).trim())} after }`
          : `cannot read a matcher at ${JSON.stringify(rest)}`,
      );
    }
    const [whole, label, op, quoted] = match!;
    const value = unquote(quoted);
    if (value === undefined) {
      refuse(`${quoted} has an escape PromQL does not know`);
    }
    matchers.push({ label, op: op as LabelMatcher['op'], value: value! });
    rest = rest.slice(whole.length);
    if (rest.startsWith(',')) {
      rest = rest.slice(1);
    } else if (rest !== '' && !rest.startsWith('}')) {
      refuse(`expected , or } at ${JSON.stringify(rest)}`);
    }
  }
  if (matchers.length === 0) {
    refuse('it has no matcher');
  }
  return `{${matchers
    .map(m => `${m.label}${m.op}${JSON.stringify(m.value)}`)
    .join(',')}}`;
}

/** The value of a PromQL string literal (Go-style escapes, as JSON reads them); undefined when malformed. */
function unquote(quoted: string): string | undefined {
  const body = quoted.slice(1, -1);
  const asDoubleQuoted =
    quoted[0] === "'" ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body;
  try {
    return JSON.parse(`"${asDoubleQuoted}"`);
  } catch {
    return undefined;
  }
}
