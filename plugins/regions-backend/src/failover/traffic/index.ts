import { TrafficSwitchFactory } from '@meridian/plugin-regions-node';
import { cloudflareTrafficSwitchFactory } from './CloudflareTrafficSwitch';
import { powerDnsTrafficSwitchFactory } from './PowerDnsTrafficSwitch';
import { route53TrafficSwitchFactory } from './Route53TrafficSwitch';

/** The drivers `regions.traffic.<name>.driver` may name out of the box. */
export const builtInTrafficSwitchFactories: TrafficSwitchFactory[] = [
  powerDnsTrafficSwitchFactory,
  cloudflareTrafficSwitchFactory,
  route53TrafficSwitchFactory,
];
