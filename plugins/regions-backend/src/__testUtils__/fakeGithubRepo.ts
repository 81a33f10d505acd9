import { createHash } from 'node:crypto';
import { http, HttpResponse, JsonBodyType, PathParams } from 'msw';

/** A pull request as the fake repository keeps it. */
export interface OpenedPullRequest {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
}

const sha = (text: string) => createHash('sha1').update(text).digest('hex');

const githubError = (status: number, message: string) =>
  HttpResponse.json(
    { message, documentation_url: 'https://docs.github.com/rest' },
    { status },
  );

/**
 * One GitHub repository behind GitHub's REST API (api.github.com): branches
 * of commits holding files, contents read and written against the file's
 * blob sha, refs that cannot be created twice, pull requests between existing
 * branches. Answers 401 to any other token than `token`; `refuse` makes one
 * endpoint answer an error, as GitHub does when a token lacks a scope.
 */
export function fakeGithubRepo(options: {
  owner: string;
  repo: string;
  token: string;
  branch: string;
  files: Record<string, string>;
}) {
  const api = `https://api.github.com/repos/${options.owner}/${options.repo}`;
  const branches = new Map<string, Map<string, string>>([
    [options.branch, new Map(Object.entries(options.files))],
  ]);
  const heads = new Map([[options.branch, sha(options.branch)]]);
  const pullRequests: OpenedPullRequest[] = [];
  const refused = new Map<string, { status: number; message: string }>();

  /** A handler checking the token and refusals; `path` is what `*` matched, decoded. */
  const answer =
    (
      endpoint: string,
      handle: (
        request: Request,
        path: string,
      ) => Promise<Response | JsonBodyType> | Response | JsonBodyType,
    ) =>
    async ({ params, request }: { params: PathParams; request: Request }) => {
      if (request.headers.get('authorization') !== `token ${options.token}`) {
        return githubError(401, 'Bad credentials');
      }
      const refusal = refused.get(endpoint);
      if (refusal) {
        return githubError(refusal.status, refusal.message);
      }
      // octokit sends `a%2Fb.yaml` for a path `a/b.yaml`
      const path = decodeURIComponent([params[0] ?? ''].flat().join('/'));
      const result = await handle(request, path);
      return result instanceof Response ? result : HttpResponse.json(result);
    };

  const handlers = [
    http.get(
      `${api}/contents/*`,
      answer('GET contents', (request, path) => {
        const ref = new URL(request.url).searchParams.get('ref')!;
        const text = branches.get(ref)?.get(path);
        if (text === undefined) {
          return githubError(404, 'Not Found');
        }
        return {
          type: 'file',
          encoding: 'base64',
          path,
          name: path.split('/').pop(),
          sha: sha(text),
          // GitHub wraps the base64 at 60 columns
          content: Buffer.from(text)
            .toString('base64')
            .replace(/(.{60})/g, '$1\n'),
        };
      }),
    ),
    http.get(
      `${api}/git/ref/*`,
      answer('GET ref', (_request, path) => {
        const branch = path.replace(/^heads\//, '');
        const head = heads.get(branch);
        return head
          ? {
              ref: `refs/heads/${branch}`,
              object: { type: 'commit', sha: head },
            }
          : githubError(404, 'Not Found');
      }),
    ),
    http.post(
      `${api}/git/refs`,
      answer('POST refs', async request => {
        const body = (await request.json()) as { ref: string; sha: string };
        const branch = body.ref.replace(/^refs\/heads\//, '');
        if (heads.has(branch)) {
          return githubError(422, 'Reference already exists');
        }
        const from = [...heads].find(([, head]) => head === body.sha)?.[0];
        if (!from) {
          return githubError(422, 'Object does not exist');
        }
        heads.set(branch, body.sha);
        branches.set(branch, new Map(branches.get(from)));
        return HttpResponse.json(
          { ref: body.ref, object: { type: 'commit', sha: body.sha } },
          { status: 201 },
        );
      }),
    ),
    http.put(
      `${api}/contents/*`,
      answer('PUT contents', async (request, path) => {
        const body = (await request.json()) as {
          branch: string;
          sha: string;
          message: string;
          content: string;
        };
        const files = branches.get(body.branch);
        const current = files?.get(path);
        if (current === undefined || sha(current) !== body.sha) {
          return githubError(409, `${path} does not match ${body.sha}`);
        }
        const text = Buffer.from(body.content, 'base64').toString('utf8');
        files!.set(path, text);
        heads.set(body.branch, sha(`${body.branch}:${body.message}`));
        return {
          content: { path, sha: sha(text) },
          commit: { message: body.message },
        };
      }),
    ),
    http.post(
      `${api}/pulls`,
      answer('POST pulls', async request => {
        const body = (await request.json()) as Omit<
          OpenedPullRequest,
          'number'
        >;
        if (
          !heads.has(body.head) ||
          heads.get(body.head) === heads.get(body.base)
        ) {
          return githubError(
            422,
            `No commits between ${body.base} and ${body.head}`,
          );
        }
        const number = 41 + pullRequests.length + 1;
        pullRequests.push({ number, ...body });
        return HttpResponse.json(
          {
            number,
            html_url: `https://github.com/${options.owner}/${options.repo}/pull/${number}`,
          },
          { status: 201 },
        );
      }),
    ),
  ];

  return {
    handlers,
    pullRequests,
    /** The file's text on a branch, undefined without that branch or file. */
    file: (branch: string, path: string) => branches.get(branch)?.get(path),
    branches: () => [...branches.keys()],
    /** Makes one endpoint (e.g. `GET contents`, `POST refs`) answer an error. */
    refuse: (endpoint: string, status: number, message: string) =>
      refused.set(endpoint, { status, message }),
  };
}
