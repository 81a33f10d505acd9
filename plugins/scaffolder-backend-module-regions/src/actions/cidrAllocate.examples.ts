import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Allocate a /16 of the brazil pool to a new edge region, once its hub is ready',
    example: yaml.stringify({
      steps: [
        {
          id: 'cidr',
          action: 'meridian:cidr:allocate',
          name: 'Allocate the network block',
          input: {
            pool: 'brazil',
            region: 'region:default/studio-s2',
            hub: 'region:default/studio-sul',
          },
        },
      ],
    }),
  },
];
