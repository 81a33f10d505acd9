import { Config } from '@backstage/config';
import {
  ANNOTATION_EDIT_URL,
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  getCompoundEntityRef,
  parseLocationRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConflictError, CustomErrorBase } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  GithubIntegration,
  ScmIntegrations,
} from '@backstage/integration';
import { RegionEntity, RoleDrift } from '@meridian/plugin-regions-common';
import { Octokit } from '@octokit/rest';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { withReplication } from './regionYaml';

/** A catalog file in a GitHub repository, at a branch. */
export interface GithubFile {
  integration: GithubIntegration;
  owner: string;
  repo: string;
  /** The branch the catalog reads the file from, the pull request's base. */
  branch: string;
  path: string;
}

/** The pull request a drift fix opened. */
export interface DriftPullRequest {
  url: string;
  number: number;
}

/**
 * GitHub did not do what the fix asked: names the repository, the step and
 * GitHub's status. Answers 502, GitHub being the failing upstream.
 */
export class GithubPullRequestError extends CustomErrorBase {
  name = 'GithubPullRequestError';
  readonly statusCode = 502;
}

// The catalog sets managed-by-location itself; an entity's author can write
// the others, so they count only for an entity without it.
const FALLBACK_ANNOTATIONS = [ANNOTATION_EDIT_URL, ANNOTATION_SOURCE_LOCATION];

/** `https://host/owner/repo/blob|edit/branch/path/to/file.yaml` */
const FILE_PATH = /^\/([^/]+)\/([^/]+)\/(?:blob|edit)\/([^/]+)\/(.+\.ya?ml)$/;

/**
 * Opens the pull request that makes a region's entity, defined in a GitHub
 * repository, declare what its node says: a branch off the one the catalog
 * reads, the file with only the Region's `spec.replication` changed, and the
 * pull request saying what drifted and why. Only for hosts `integrations.github`
 * gives credentials for; the entity's annotations name the file, never the
 * host's token.
 */
export class DriftPullRequests {
  static fromConfig(config: Config): DriftPullRequests {
    const integrations = ScmIntegrations.fromConfig(config);
    return new DriftPullRequests(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  /**
   * The GitHub file the region's entity was read from, when a GitHub
   * integration with a token or an app covers its host.
   */
  locate(region: RegionEntity): GithubFile | undefined {
    const annotations = region.metadata.annotations ?? {};
    const locations =
      ANNOTATION_LOCATION in annotations
        ? [annotations[ANNOTATION_LOCATION]]
        : FALLBACK_ANNOTATIONS.map(annotation => annotations[annotation]);
    for (const location of locations) {
      const file = this.githubFileAt(location);
      if (file) {
        return file;
      }
    }
    return undefined;
  }

  private githubFileAt(value: string | undefined): GithubFile | undefined {
    const url = value ? urlOf(value) : undefined;
    const integration = url && this.integrations.github.byHost(url.host);
    const match = url && FILE_PATH.exec(url.pathname);
    if (!integration || !match || !canWrite(integration)) {
      return undefined;
    }
    const [owner, repo, branch, path] = match
      .slice(1)
      .map(part => decodeURIComponent(part));
    return { integration, owner, repo, branch, path };
  }

  /** Opens the pull request; by `user` (an entity ref), for its body. */
  async open(options: {
    region: RegionEntity;
    file: GithubFile;
    drift: RoleDrift;
    user: string;
  }): Promise<DriftPullRequest> {
    const { region, file, drift } = options;
    const { owner, repo, branch: base, path } = file;
    const ref = stringifyEntityRef(region);
    const repository = `${file.integration.config.host}/${owner}/${repo}`;
    const github = async <T>(step: string, call: () => Promise<T>) => {
      try {
        return await call();
      } catch (error) {
        const status = (error as { status?: unknown }).status;
        // GitHub's message only: the error's request carries the token
        throw new GithubPullRequestError(
          `GitHub answered ${status ?? 'no status'} (${
            (error as Error).message
          }) to ${step} in ${repository}`,
        );
      }
    };
    const { token } = await this.credentials.getCredentials({
      url: `https://${repository}`,
    });
    const octokit = new Octokit({
      auth: token,
      baseUrl: file.integration.config.apiBaseUrl,
    });

    const { data: current } = await github(`read ${path} at ${base}`, () =>
      octokit.rest.repos.getContent({ owner, repo, path, ref: base }),
    );
    if (Array.isArray(current) || current.type !== 'file') {
      throw new ConflictError(`${path} in ${repository} is not a file`);
    }
    const replication = parse(drift.fix.yaml).spec.replication;
    const original = Buffer.from(current.content, 'base64').toString('utf8');
    const changed = withReplication(
      original,
      getCompoundEntityRef(region),
      replication,
      path,
    );
    if (changed === original) {
      throw new ConflictError(
        `${path} at ${base} in ${repository} already declares what the node says: the catalog has not read it again yet`,
      );
    }

    const head = `meridian/drift-${region.metadata.name}-${randomBytes(
      4,
    ).toString('hex')}`;
    const { data: baseRef } = await github(`read branch ${base}`, () =>
      octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` }),
    );
    await github(`create branch ${head}`, () =>
      octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${head}`,
        sha: baseRef.object.sha,
      }),
    );
    const summary = `${ref}: declare ${replication.role} as its node says (${drift.observed})`;
    await github(`write ${path} on ${head}`, () =>
      octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        branch: head,
        sha: current.sha,
        message: summary,
        content: Buffer.from(changed, 'utf8').toString('base64'),
      }),
    );
    const { data: pullRequest } = await github(
      `open a pull request from ${head} to ${base}`,
      () =>
        octokit.rest.pulls.create({
          owner,
          repo,
          head,
          base,
          title: summary,
          body: pullRequestBody({ ref, path, drift, user: options.user }),
        }),
    );
    return { url: pullRequest.html_url, number: pullRequest.number };
  }
}

function pullRequestBody(options: {
  ref: string;
  path: string;
  drift: RoleDrift;
  user: string;
}): string {
  const { ref, path, drift, user } = options;
  return [
    `The database node of \`${ref}\` says something else than its entity declares: ${drift.message}.`,
    '',
    `This changes only \`spec.replication\` of the Region in \`${path}\`, to what the nodes say:`,
    '',
    '```yaml',
    drift.fix.yaml.trimEnd(),
    '```',
    '',
    `Opened by Meridian's drift fix for \`${user}\`.`,
  ].join('\n');
}

/** The URL a location annotation names: a `url:<url>` ref, or a plain URL. */
function urlOf(value: string): URL | undefined {
  try {
    if (/^https?:\/\//.test(value)) {
      return new URL(value);
    }
    const location = parseLocationRef(value);
    return location.type === 'url' ? new URL(location.target) : undefined;
  } catch {
    // not a location ref, or not a URL: no file to change
    return undefined;
  }
}

/** Whether config gives credentials for the host (an anonymous client cannot push). */
function canWrite(integration: GithubIntegration): boolean {
  const { token, apps } = integration.config;
  return Boolean(token) || (apps?.length ?? 0) > 0;
}
