/*
 * The demo OpenCost that scripts/start.sh serves: OpenCost's `/allocation`
 * API with generated, deterministic daily costs for the clusters of the
 * example regions (see plugins/regions-backend/src/testing/demoOpenCost.ts).
 * The portal reads it like a real OpenCost and labels it "demo data"
 * (regions.opencost.demo: true). Stops on SIGINT or SIGTERM.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs scripts/demo-opencost.ts PORT [REGION_FILES...]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RegionEntity } from '../plugins/regions-common/src';
import {
  demoClustersOf,
  startDemoOpenCost,
} from '../plugins/regions-backend/src/testing/demoOpenCost';

function readRegions(files: string[]): RegionEntity[] {
  return files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .map(doc => doc.toJS() as RegionEntity | null)
      .filter(entity => entity?.kind === 'Region'),
  ) as RegionEntity[];
}

async function main() {
  const [portArg, ...files] = process.argv.slice(2);
  const port = Number(portArg);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`the port "${portArg}" is not a TCP port`);
  }
  const regionDir = path.resolve(__dirname, '../examples/regions');
  const regionFiles = files.length
    ? files
    : fs
        .readdirSync(regionDir)
        .filter(name => name.endsWith('.yaml'))
        .map(name => path.join(regionDir, name));
  const clusters = demoClustersOf(readRegions(regionFiles));
  const server = await startDemoOpenCost({ clusters, port });
  process.stderr.write(
    `demo OpenCost on ${server.url}/allocation: ${
      clusters.length
    } clusters (${clusters.map(c => c.name).join(', ')})\n`,
  );
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`demo OpenCost: ${error.message}\n`);
  process.exit(1);
});
