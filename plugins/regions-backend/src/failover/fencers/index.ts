import {
  DatabaseNode,
  FailoverStepContext,
  Fencer,
} from '@meridian/plugin-regions-node';
import { CommandFencer } from './CommandFencer';
import { PatroniFencer } from './PatroniFencer';
import { SqlFencer } from './SqlFencer';

export { CommandFencer, PatroniFencer, SqlFencer };

/** The fencers that ship with the plugin, after those modules add. */
export function builtInFencers(): Fencer[] {
  return [new PatroniFencer(), new SqlFencer(), new CommandFencer()];
}

/**
 * The fencers of the plugin, in order of precedence: those of modules, then
 * `patroni`, `sql` and `command`.
 */
export class FencerRegistry {
  constructor(private readonly fencers: Fencer[]) {
    const ids = new Set<string>();
    for (const fencer of fencers) {
      if (ids.has(fencer.id)) {
        throw new Error(
          `A fencer with id '${fencer.id}' is already registered`,
        );
      }
      ids.add(fencer.id);
    }
  }

  /** The fencer that fences the node while it answers: the first in-band one that supports it. */
  inBand(node: DatabaseNode): Fencer | undefined {
    return this.fencers.find(f => f.reach === 'in-band' && f.supports(node));
  }

  /** The fencers that work when the node does not answer, in the order they are tried. */
  outOfBand(node: DatabaseNode): Fencer[] {
    return this.fencers.filter(
      f => f.reach === 'out-of-band' && f.supports(node),
    );
  }

  /** A fencer by id, e.g. to verify a fence a run recorded. */
  get(id: string): Fencer | undefined {
    return this.fencers.find(f => f.id === id);
  }

  /** Undoes on a promoted node what the fences of the old primary replicated to it. */
  async liftReplicated(node: DatabaseNode, ctx: FailoverStepContext) {
    for (const fencer of this.fencers) {
      if (fencer.liftReplicated && fencer.supports(node)) {
        await fencer.liftReplicated(node, ctx);
      }
    }
  }
}
