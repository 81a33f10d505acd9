import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import { isDeepStrictEqual } from 'node:util';
import { REGION_KIND } from '@meridian/plugin-regions-common';
import {
  Document,
  isMap,
  isScalar,
  parseAllDocuments,
  Scalar,
  stringify,
  YAMLMap,
} from 'yaml';

type Replication = Record<string, unknown>;

const REGION_KIND_LOWER = REGION_KIND.toLowerCase();
type Edit = { start: number; end: number; text: string };

/**
 * The text of a catalog file with the `spec.replication` of one Region
 * replaced, every other byte as it was: other documents, comments, quoting
 * and the other keys of the replication map. Throws when the file holds no
 * such Region, or one without a `spec.replication` map.
 */
export function withReplication(
  text: string,
  region: CompoundEntityRef,
  replication: Replication,
  fileName: string,
): string {
  const ref = stringifyEntityRef(region);
  const document = regionDocument(text, region, fileName);
  const node = document.getIn(['spec', 'replication'], true);
  if (!isMap(node) || !node.range) {
    throw new ConflictError(
      `${fileName} declares no spec.replication map for ${ref}`,
    );
  }
  const edits = node.flow
    ? [
        {
          start: node.range[0],
          end: node.range[1],
          text: stringify(replication, { collectionStyle: 'flow' }).trim(),
        },
      ]
    : blockMapEdits(text, node, replication, fileName);
  const changed = edits
    .sort((a, b) => b.start - a.start)
    .reduce(
      (result, edit) =>
        result.slice(0, edit.start) + edit.text + result.slice(edit.end),
      text,
    );
  // The edits work on text: read it back so a file they cannot handle fails here.
  const written = regionDocument(changed, region, fileName).getIn(
    ['spec', 'replication'],
    true,
  ) as YAMLMap | undefined;
  if (!isDeepStrictEqual(written?.toJSON(), replication)) {
    throw new ConflictError(
      `Could not rewrite spec.replication of ${ref} in ${fileName} without changing the rest of it`,
    );
  }
  return changed;
}

/** The one document of the file that is the Region. */
function regionDocument(
  text: string,
  region: CompoundEntityRef,
  fileName: string,
): Document {
  const documents = parseAllDocuments(text);
  const error = documents.flatMap(document => document.errors)[0];
  if (error) {
    throw new InputError(`${fileName} is not valid YAML: ${error.message}`);
  }
  const matches = documents.filter(
    document =>
      String(document.get('kind')).toLowerCase() === REGION_KIND_LOWER &&
      document.getIn(['metadata', 'name']) === region.name &&
      (document.getIn(['metadata', 'namespace']) ?? 'default') ===
        region.namespace,
  );
  if (matches.length !== 1) {
    throw new ConflictError(
      `${fileName} holds ${matches.length} documents of ${stringifyEntityRef(
        region,
      )}, not one`,
    );
  }
  return matches[0];
}

/**
 * Edits of a block map, pair by pair: a changed value replaced in place, a
 * dropped key's line removed, a new key appended as a line after the last.
 */
function blockMapEdits(
  text: string,
  node: YAMLMap,
  replication: Replication,
  fileName: string,
): Edit[] {
  const edits: Edit[] = [];
  const present = new Set<string>();
  let indent = '';
  let afterLast = node.range![1];
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value)) {
      throw new ConflictError(
        `${fileName}: spec.replication holds a value that is not a plain value; change it by hand`,
      );
    }
    const key = String(pair.key.value);
    const [keyStart] = pair.key.range!;
    const [valueStart, valueEnd] = pair.value.range!;
    indent = text.slice(lineStart(text, keyStart), keyStart);
    afterLast = lineEnd(text, valueEnd);
    present.add(key);
    if (!(key in replication)) {
      edits.push({
        start: lineStart(text, keyStart),
        end: lineEnd(text, valueEnd),
        text: '',
      });
    } else if (pair.value.value !== replication[key]) {
      edits.push({
        start: valueStart,
        end: valueEnd,
        text: scalarText(replication[key], pair.value.type),
      });
    }
  }
  const added = Object.entries(replication)
    .filter(([key]) => !present.has(key))
    .map(([key, value]) => `${indent}${key}: ${scalarText(value)}\n`);
  if (added.length > 0) {
    // the last pair may end the file without a newline
    const newline = text[afterLast - 1] === '\n' ? '' : '\n';
    edits.push({
      start: afterLast,
      end: afterLast,
      text: newline + added.join(''),
    });
  }
  return edits;
}

/** A value as YAML, in the quoting style of the value it replaces. */
function scalarText(value: unknown, type?: Scalar.Type): string {
  const scalar = new Scalar(value);
  scalar.type = type;
  const document = new Document();
  document.contents = scalar;
  return document.toString({ lineWidth: 0 }).trimEnd();
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

/** The index after the newline that ends the line at index, or the end of the text. */
function lineEnd(text: string, index: number): number {
  const newline = text.indexOf('\n', index);
  return newline === -1 ? text.length : newline + 1;
}
