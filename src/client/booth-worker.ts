/**
 * The booth's Web Worker (public/js/booth-worker.js): encrypts and proves the voter's choice
 * with the Belenios library, off the page's thread, and reports its progress. It is given the
 * election, its fingerprint and the voter's credential; it answers the canonical ballot JSON.
 */
import { encryptBallot } from '../ballot/ballot';
import { parseElection } from '../ballot/election';

interface Job {
  electionJson: string;
  fingerprint: string;
  credential: string;
  choice: number | 'blank';
}

self.onmessage = async (event: MessageEvent<Job>) => {
  const job = event.data;
  try {
    const election = parseElection(job.electionJson);
    const ballot = await encryptBallot(election, job.fingerprint, job.credential, job.choice, {
      onProgress: (done: number, total: number) => self.postMessage({ kind: 'progress', done, total }),
    });
    self.postMessage({ kind: 'done', json: ballot.json, tracker: ballot.tracker });
  } catch (err) {
    self.postMessage({ kind: 'error', message: err instanceof Error ? err.name : 'Error' });
  }
};
