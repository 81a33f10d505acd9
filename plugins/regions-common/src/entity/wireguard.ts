/**
 * On a hub Region: the WireGuard public key of its tunnel endpoint (base64 of
 * 32 bytes, as `wg pubkey` prints it). Spokes provisioned under the hub get a
 * peer config for it.
 * @public
 */
export const ANNOTATION_WIREGUARD_PUBLIC_KEY =
  'meridian.dev/wireguard-public-key';
/**
 * On a hub Region: where spokes reach its WireGuard endpoint, `host:port`,
 * e.g. `wg.studio-sul.example.net:51820`.
 * @public
 */
export const ANNOTATION_WIREGUARD_ENDPOINT = 'meridian.dev/wireguard-endpoint';
