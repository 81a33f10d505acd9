import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_WIREGUARD_ENDPOINT,
  ANNOTATION_WIREGUARD_PUBLIC_KEY,
  parseRegionRef,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import ipaddr from 'ipaddr.js';

/** The port WireGuard listens on unless told otherwise. */
export const WIREGUARD_LISTEN_PORT = 51820;
/** Keeps the tunnel's NAT mappings open; the value wg(8) suggests. */
export const WIREGUARD_KEEPALIVE_SECONDS = 25;

/** The region's side of its tunnel to the hub, or why there is none. */
export type WireGuardHubPeer =
  | {
      /** Relative to the folder of catalog-info.yaml. */
      path: string;
      /** The file in wg-quick(8) format. */
      content: string;
      address: string;
      endpoint: string;
    }
  | { skipped: string };

/**
 * Builds `infrastructure/wireguard/<region>-<hub>.conf`: an [Interface] on
 * the first host address of the region's block and a [Peer] for the hub, from
 * the hub's `meridian.dev/wireguard-*` annotations. The private key is never
 * written; the interface loads it on the host through PostUp. Answers why no
 * file is due when the region has no WireGuard hub link or the hub does not
 * publish its key and endpoint; throws naming the field and value when what
 * it would write is not valid.
 */
export function buildWireGuardHubPeer(options: {
  region: RegionEntity;
  /** The hub as the catalog has it; undefined when it is not there. */
  hub: Entity | undefined;
  /** The hub's full ref, for messages. */
  hubRef: string;
}): WireGuardHubPeer {
  const { region, hub, hubRef } = options;
  const { spec, metadata } = region;
  const hubParts = parseRegionRef(hubRef);
  const hubLink = spec.links?.find(link => {
    const to = parseRegionRef(link.to, {
      defaultNamespace: metadata.namespace,
    });
    return to.namespace === hubParts.namespace && to.name === hubParts.name;
  });
  if (hubLink?.transport && hubLink.transport !== 'wireguard') {
    return {
      skipped: `the link to hub ${hubRef} uses ${hubLink.transport}, not wireguard`,
    };
  }
  if (!spec.network?.cidr) {
    return {
      skipped: `region ${metadata.name} has no network block to address its tunnel from`,
    };
  }
  if (!hub) {
    return { skipped: `hub ${hubRef} is not in the catalog` };
  }
  const publicKey = hub.metadata.annotations?.[ANNOTATION_WIREGUARD_PUBLIC_KEY];
  const endpoint = hub.metadata.annotations?.[ANNOTATION_WIREGUARD_ENDPOINT];
  const missing = [
    publicKey ? undefined : ANNOTATION_WIREGUARD_PUBLIC_KEY,
    endpoint ? undefined : ANNOTATION_WIREGUARD_ENDPOINT,
  ].filter(Boolean);
  if (missing.length > 0) {
    return {
      skipped: `hub ${hubRef} has no ${missing.join(
        ' and no ',
      )} annotation, so its side of the tunnel is unknown`,
    };
  }
  const hubCidr = (hub.spec as RegionEntity['spec'] | undefined)?.network?.cidr;
  if (!hubCidr) {
    return {
      skipped: `hub ${hubRef} has no network block to route through the tunnel`,
    };
  }

  assertPublicKey(publicKey!, hubRef);
  assertEndpoint(endpoint!, hubRef);
  const address = firstHostAddress(spec.network.cidr);
  const allowedIps = canonicalCidr(
    hubCidr,
    `spec.network.cidr of hub ${hubRef}`,
  );
  const keyFile = `/etc/wireguard/${metadata.name}.key`;

  const content = [
    `# WireGuard tunnel of region ${metadata.name} to its hub ${hubRef}, written by meridian:region:create.`,
    `# The private key is not in this file: create it on the host with`,
    `#   umask 077 && wg genkey > ${keyFile}`,
    `# and publish its public key (wg pubkey < ${keyFile}) on the hub.`,
    '[Interface]',
    `Address = ${address}`,
    `ListenPort = ${WIREGUARD_LISTEN_PORT}`,
    `PostUp = wg set %i private-key ${keyFile}`,
    '',
    '[Peer]',
    `# hub ${hubRef}`,
    `PublicKey = ${publicKey}`,
    `Endpoint = ${endpoint}`,
    `AllowedIPs = ${allowedIps}`,
    `PersistentKeepalive = ${WIREGUARD_KEEPALIVE_SECONDS}`,
    '',
  ].join('\n');

  return {
    path: `infrastructure/wireguard/${metadata.name}-${hubParts.name}.conf`,
    content,
    address,
    endpoint: endpoint!,
  };
}

/** A WireGuard key is 32 bytes in standard base64, as wg(8) prints it. */
function assertPublicKey(key: string, hubRef: string) {
  const bytes = /^[A-Za-z0-9+/]{43}=$/.test(key)
    ? Buffer.from(key, 'base64')
    : undefined;
  if (!bytes || bytes.length !== 32 || bytes.toString('base64') !== key) {
    throw new InputError(
      `${ANNOTATION_WIREGUARD_PUBLIC_KEY} "${key}" of hub ${hubRef} is not a WireGuard public key (32 bytes in base64, as wg pubkey prints it)`,
    );
  }
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/;

/** `host:port` with a DNS name, an IPv4 address or a bracketed IPv6 address. */
function assertEndpoint(endpoint: string, hubRef: string) {
  const match = endpoint.match(/^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/);
  const port = match ? Number(match[3]) : 0;
  const host = match?.[1] ?? match?.[2] ?? '';
  const hostValid = match?.[1]
    ? ipaddr.IPv6.isValid(host)
    : ipaddr.IPv4.isValidFourPartDecimal(host) ||
      (HOSTNAME.test(host) && !/^[\d.]+$/.test(host));
  if (!match || !hostValid || port < 1 || port > 65535) {
    throw new InputError(
      `${ANNOTATION_WIREGUARD_ENDPOINT} "${endpoint}" of hub ${hubRef} is not host:port (a DNS name, IPv4 address or [IPv6] address, and a port 1–65535)`,
    );
  }
}

function canonicalCidr(cidr: string, field: string): string {
  try {
    const [address, prefixLength] = ipaddr.parseCIDR(cidr);
    return `${address.toString()}/${prefixLength}`;
  } catch {
    throw new InputError(`${field} "${cidr}" is not a CIDR block`);
  }
}

/** Checks an interface address, host bits and all, the way wg-quick reads Address. */
function canonicalHost(address: string): string {
  try {
    ipaddr.parseCIDR(address);
    return address;
  } catch {
    throw new InputError(
      `Address "${address}" is not an address with a prefix`,
    );
  }
}

/** The block's network address plus one, with the block's prefix: 10.18.0.0/16 gives 10.18.0.1/16. */
function firstHostAddress(cidr: string): string {
  const [network, prefixLength] = ipaddr.parseCIDR(
    canonicalCidr(cidr, 'spec.network.cidr'),
  );
  const bytes = network.toByteArray();
  if (prefixLength >= bytes.length * 8 - 1) {
    throw new InputError(
      `spec.network.cidr "${cidr}" has no host address for the tunnel`,
    );
  }
  // the network address's last bit is a host bit, so it is 0 and +1 never carries
  bytes[bytes.length - 1] += 1;
  const address = `${ipaddr.fromByteArray(bytes).toString()}/${prefixLength}`;
  return canonicalHost(address);
}
