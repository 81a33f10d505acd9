import { withReplication } from './regionYaml';

const US_WEST = { kind: 'Region', namespace: 'default', name: 'us-west' };
const STANDBY = {
  role: 'warm-standby',
  mode: 'streaming',
  source: 'region:default/us-east',
};

/** Two regions and a component in one file, with comments everywhere. */
const REGIONS_FILE = `# The platform team's regions; reviewed by SRE.
apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: us-east
spec:
  replication: { role: primary, mode: streaming }
---
# us-west: promoted in the 2026 drill?
apiVersion: meridian.dev/v1alpha1
kind: Region
metadata:
  name: us-west   # the west coast
  tags: [aws, west]
spec:
  type: edge
  replication:
    role: primary   # the catalog's belief
    mode: 'streaming'

    # keep the slot name in sync with the DBA runbook
  owner: group:default/sre
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: us-west
`;

describe('withReplication', () => {
  it('changes only the values of the Region that differ, keeping comments, quoting and the other documents', () => {
    const changed = withReplication(
      REGIONS_FILE,
      US_WEST,
      STANDBY,
      'regions.yaml',
    );
    expect(changed).toBe(
      REGIONS_FILE.replace(
        "    role: primary   # the catalog's belief\n    mode: 'streaming'\n",
        "    role: warm-standby   # the catalog's belief\n    mode: 'streaming'\n    source: region:default/us-east\n",
      ),
    );
  });

  it('drops a key the replication no longer has, and rewrites a flow map in place', () => {
    const promoted = withReplication(
      `kind: Region\nmetadata:\n  name: us-west\nspec:\n  replication:\n    role: warm-standby\n    source: region:default/us-east # upstream\n    mode: streaming\n`,
      US_WEST,
      { role: 'primary', mode: 'streaming' },
      'us-west.yaml',
    );
    expect(promoted).toBe(
      `kind: Region\nmetadata:\n  name: us-west\nspec:\n  replication:\n    role: primary\n    mode: streaming\n`,
    );
    const flow = withReplication(
      REGIONS_FILE,
      { ...US_WEST, name: 'us-east' },
      {
        role: 'warm-standby',
        mode: 'streaming',
        source: 'region:default/us-west',
      },
      'regions.yaml',
    );
    expect(flow).toBe(
      REGIONS_FILE.replace(
        '  replication: { role: primary, mode: streaming }\n',
        '  replication: { role: warm-standby, mode: streaming, source: region:default/us-west }\n',
      ),
    );
  });

  it('appends a key to a file that ends without a newline', () => {
    expect(
      withReplication(
        'kind: Region\nmetadata:\n  name: us-west\nspec:\n  replication:\n    role: primary',
        US_WEST,
        { role: 'warm-standby', source: 'region:default/us-east' },
        'us-west.yaml',
      ),
    ).toBe(
      'kind: Region\nmetadata:\n  name: us-west\nspec:\n  replication:\n    role: warm-standby\n    source: region:default/us-east\n',
    );
  });

  it('names the file and the region when the file does not hold it, or holds no replication', () => {
    expect(() =>
      withReplication(
        REGIONS_FILE,
        { ...US_WEST, name: 'eu-central' },
        STANDBY,
        'regions.yaml',
      ),
    ).toThrow(
      'regions.yaml holds 0 documents of region:default/eu-central, not one',
    );
    expect(() =>
      withReplication(
        'kind: Region\nmetadata:\n  name: us-west\nspec:\n  type: edge\n',
        US_WEST,
        STANDBY,
        'us-west.yaml',
      ),
    ).toThrow(
      'us-west.yaml declares no spec.replication map for region:default/us-west',
    );
    expect(() =>
      withReplication('kind: [Region\n', US_WEST, STANDBY, 'broken.yaml'),
    ).toThrow(/^broken\.yaml is not valid YAML: /);
  });
});
