/**
 * The ballot boxes, one BallotBox object per constituency (box.ts), named by it.
 */
import type { BallotBox } from './box';

export interface BallotBoxes {
  forConstituency(constituency: string): DurableObjectStub<BallotBox>;
}

export function durableBoxes(namespace: DurableObjectNamespace<BallotBox>): BallotBoxes {
  return {
    forConstituency: (constituency) => namespace.get(namespace.idFromName(`box:${constituency}`)),
  };
}
