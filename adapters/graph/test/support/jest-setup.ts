/**
 * Jest setup (jest.config.js setupFilesAfterEnv) for every test file: each request a FakeTenant
 * accepts is checked against Microsoft's Graph v1.0 metadata and permission map
 * (request-check.ts); after the file, the count is printed and any departure fails the file.
 */
import { observeAcceptedRequests } from '../../src/testing/observe';
import { checkedSoFar, checkRequest } from './request-check';

const stop = observeAcceptedRequests((r) => { checkRequest(r); });

afterAll(() => {
  stop();
  const { checked, problems } = checkedSoFar();
  if (checked === 0) return;
  process.stdout.write(`Graph v1.0 metadata and permission map: ${checked} requests checked in ${expect.getState().testPath ?? 'this file'}${problems.length ? `, ${problems.length} departures` : ''}\n`);
  if (problems.length) throw new Error(`Requests Graph v1.0 would not accept as sent:\n${[...new Set(problems)].slice(0, 30).join('\n')}`);
});
