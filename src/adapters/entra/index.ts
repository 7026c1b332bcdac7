// Factory of the Entra adapter: the EntraTarget port over msal-node and Microsoft Graph.
import type { DelegatedSignIn, EntraConfig } from '../../engine/model/config';
import type { EntraTarget } from '../../engine/ports/entra-target';
import { GraphEntraTarget } from './graph/graph-target';
import type { RetryPolicy } from './graph/transport';
import { createAgent, readCa } from './tls';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS, loadCredential, tokenSourceFor } from './token-source';
import { secretFreeErrors } from './redact';

export { planExport, toConnectorSpace, userAttributeMap, groupAttributeMap } from './graph/attribute-map';
export { clearTokenCache } from './token-source';
/** stoppingWaitsOn(signal, run): the run's stop ends every Graph wait of its calls (run-stop.ts). */
export { stoppingWaitsOn } from './graph/run-stop';
/**
 * holdSecret(value): a credential the session holds besides the client secret (the bind
 * password) is removed from every error text of this adapter too (redact.ts).
 */
export { holdSecret } from './redact';

/**
 * The EntraTarget for a tenant. `secret` is the client secret (undefined when
 * entra.certificateFile is used); `signIn` serves the device code flow (authMode deviceCode). Token and metadata calls go to entra.authorityHost,
 * Graph calls to entra.graphEndpoint; both trust entra.caFile when set. Every call is
 * bounded by entra.requestTimeoutSeconds (default 30 s).
 */
export function createEntraTarget(entra: EntraConfig, secret: string | undefined, policy?: Partial<RetryPolicy>, signIn?: DelegatedSignIn): EntraTarget {
  const credential = loadCredential(entra, secret, signIn);
  const tokens = tokenSourceFor(entra, credential);
  const agent = createAgent(readCa(entra.caFile, entra.graphEndpoint), entra.graphEndpoint);
  const requestTimeoutMs = (entra.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;
  // Every error leaves the adapter without a held secret in any of its texts (redact.ts).
  return secretFreeErrors(new GraphEntraTarget(entra, tokens, agent, { requestTimeoutMs, ...policy }));
}
