import { ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import {
  configApiRef,
  createFrontendModule,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  SignInPageProps,
} from '@backstage/plugin-app-react';

/**
 * The guest sign-in of the dev portal, or — when `app.signIn.proxyProvider`
 * names one (e.g. `oauth2Proxy`, for a portal behind oauth2-proxy) — the
 * identity the proxy forwards, with no page at all.
 */
function PortalSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const proxyProvider = config.getOptionalString('app.signIn.proxyProvider');
  return proxyProvider ? (
    <ProxiedSignInPage {...props} provider={proxyProvider} />
  ) : (
    <SignInPage {...props} providers={['guest']} />
  );
}

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => PortalSignInPage },
    }),
  ],
});
