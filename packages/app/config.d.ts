export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign users in with the identity a proxy in front of the portal
       * forwards, through this auth provider (e.g. `oauth2Proxy`), instead
       * of the guest page.
       * @visibility frontend
       */
      proxyProvider?: string;
    };
  };
}
