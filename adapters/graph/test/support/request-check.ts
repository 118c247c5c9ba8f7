/**
 * Every Graph request a test sends, checked against the vendored Graph v1.0 metadata and
 * permission map (graph-schema.ts): those the fake tenant accepts (jest-setup.ts registers for
 * them in every test file) and those the nock tests answer (endpoints.nock.test.ts). A `$batch` is
 * checked item by item. Each test file prints how many it checked.
 */
import { describeGraphRequest, type GraphRequestSeen } from './graph-schema';

let checked = 0;
const problems: string[] = [];
/** The requests seen, as templates (`GET /me?$select`), a $batch's items each on its own. */
export const seenTemplates = new Set<string>();

export function checkRequest(request: GraphRequestSeen): string[] {
  if (request.method.toUpperCase() === 'POST' && request.path === '/$batch') {
    const items = (request.body as { requests?: { method: string; url: string; body?: unknown }[] } | undefined)?.requests ?? [];
    return items.flatMap((item) => {
      const at = item.url.indexOf('?');
      const decode = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };
      return checkRequest({ ...request, method: item.method, path: at < 0 ? item.url : item.url.slice(0, at), query: at < 0 ? '' : decode(item.url.slice(at + 1)), body: item.body });
    });
  }
  checked++;
  const { template, problems: found } = describeGraphRequest(request);
  if (template) seenTemplates.add(template);
  problems.push(...found);
  return found;
}

/** How many were checked in this test file, and what failed. */
export function checkedSoFar(): { readonly checked: number; readonly problems: readonly string[] } {
  return { checked, problems: [...problems] };
}
