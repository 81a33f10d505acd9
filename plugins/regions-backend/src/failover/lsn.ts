/** A PostgreSQL WAL position (`16/B374D848`) as a byte offset. */
export function lsnToBigInt(lsn: string): bigint {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(lsn);
  if (!match) {
    throw new Error(`"${lsn}" is not a WAL position (LSN)`);
  }
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** How many bytes `behind` trails `ahead`; 0 when it does not. */
export function bytesBehind(ahead: string, behind: string): number {
  const diff = lsnToBigInt(ahead) - lsnToBigInt(behind);
  return diff > 0n ? Number(diff) : 0;
}

/** A byte count as an operator reads it: `512 B`, `12.0 KiB`, `3.4 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
