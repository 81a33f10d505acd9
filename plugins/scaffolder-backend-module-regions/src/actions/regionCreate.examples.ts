import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Write a Brazilian edge region that hangs off the Porto Alegre hub',
    example: yaml.stringify({
      steps: [
        {
          id: 'region',
          action: 'meridian:region:create',
          name: 'Write the Region entity',
          input: {
            name: 'studio-s2',
            title: 'Studio-S2 (Florianópolis)',
            type: 'edge',
            owner: 'group:default/sre',
            provider: 'colo',
            location: {
              city: 'Florianópolis',
              country: 'BR',
              latitude: -27.6,
              longitude: -48.55,
            },
            hub: 'region:default/studio-sul',
            network: { cidr: '10.20.0.0/16', pool: 'brazil' },
            links: [
              {
                to: 'region:default/studio-sul',
                latencyTargetMs: 15,
                transport: 'wireguard',
              },
            ],
            residency: ['LGPD'],
          },
        },
      ],
    }),
  },
  {
    description: 'Write a warm standby into a sub-folder of the workspace',
    example: yaml.stringify({
      steps: [
        {
          id: 'region',
          action: 'meridian:region:create',
          name: 'Write the Region entity',
          input: {
            name: 'us-west',
            type: 'global-hub',
            lifecycle: 'planned',
            owner: 'group:default/payments-team',
            replication: {
              role: 'warm-standby',
              mode: 'streaming',
              source: 'region:default/us-east',
              rpoSeconds: 60,
              rtoSeconds: 300,
            },
            targetPath: 'regions/us-west',
          },
        },
      ],
    }),
  },
];
