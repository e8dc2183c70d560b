import type { AuthThrottlePort } from '../coord/types.js';
import { localAuthThrottle } from './auth-throttle.js';
import { createBearerAuth, createIdpTokenCheck, type IdpTokenOptions, type JwtCheck } from './jwt-auth.js';
import { OAUTH_TOKEN_PATH, createTokenIssuer, registerOAuthTokenRoute, type OAuthClientOptions } from './oauth-token.js';
import type { FastifyInstance } from 'fastify';
import type { ScimToken, ScimTokenSet } from '../scim-tokens.js';

export interface ScimAuthOptions {
  bearerTokens: ScimTokenSet | readonly (string | ScimToken)[];
  /** Turns on `POST /oauth/token` and accepts the tokens it issues. */
  oauth?: OAuthClientOptions;
  /** Accepts JWTs signed by the IdP. */
  idpTokens?: IdpTokenOptions;
  authFailureLimit: number;
  now: () => Date;
  /** Shared by replicas (Coordination.authThrottle); default: this process's own. */
  throttle?: AuthThrottlePort;
}

/** Everything SCIM authentication needs, built once per app and shared by the SCIM routes and the token endpoint. */
export function createScimAuth(options: ScimAuthOptions) {
  const throttle = options.throttle ?? localAuthThrottle(options.authFailureLimit);
  const issuer = options.oauth === undefined ? undefined : createTokenIssuer(options.oauth, options.now);
  const jwtChecks: JwtCheck[] = [];
  if (issuer) jwtChecks.push(issuer.check);
  if (options.idpTokens) jwtChecks.push(createIdpTokenCheck(options.idpTokens));
  return {
    throttle,
    authenticate: createBearerAuth({ tokens: options.bearerTokens, jwtChecks, now: options.now }),
    oauthTokenPath: issuer === undefined ? undefined : OAUTH_TOKEN_PATH,
    async registerTokenRoute(app: FastifyInstance): Promise<void> {
      if (issuer) await registerOAuthTokenRoute(app, { issuer, throttle, authFailureLimit: options.authFailureLimit });
    },
  };
}
