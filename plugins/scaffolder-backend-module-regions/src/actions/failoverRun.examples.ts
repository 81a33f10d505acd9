import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Drill: run every pre-flight check of a failover of us-east to its standby us-west, changing nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'failover',
          action: 'meridian:failover:run',
          name: 'Failover drill',
          input: {
            region: 'region:default/us-east',
            target: 'region:default/us-west',
            mode: 'drill',
          },
        },
      ],
    }),
  },
  {
    description:
      'Planned switchover from the template form: fence us-east, promote us-west once it has replayed everything, switch traffic',
    example: yaml.stringify({
      steps: [
        {
          id: 'failover',
          action: 'meridian:failover:run',
          name: 'Switch over',
          input: {
            region: '${{ parameters.region }}',
            target: '${{ parameters.target }}',
            mode: 'switchover',
          },
        },
      ],
    }),
  },
  {
    description:
      'Emergency failover with the primary lost, overriding the forcible pre-flight checks (e.g. the readiness gate)',
    example: yaml.stringify({
      steps: [
        {
          id: 'failover',
          action: 'meridian:failover:run',
          name: 'Emergency failover',
          input: {
            region: 'region:default/us-east',
            target: 'region:default/us-west',
            mode: 'failover',
            force: true,
          },
        },
      ],
    }),
  },
];
