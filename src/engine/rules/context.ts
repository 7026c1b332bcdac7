import type { Attributes } from '../model/attributes';

export interface EvaluationContext {
  /** %Domain.FQDN% etc. and connector global parameters. */
  parameters: Record<string, string>;
  /** ISMEMBEROF / group scoping: is the object a direct member of groupDn? (sync, precomputed set ok) */
  isMemberOf?: (groupDn: string) => boolean;
  now?: Date;
  /**
   * Attributes the target object already has (metaverse for inbound, Entra connector space
   * for outbound). Used by "apply once" flows, which only flow when the target has no value.
   */
  existingTarget?: Attributes;
  /**
   * Outbound: the metaverse object is already connected to an Entra connector-space object
   * (joined earlier). Join-type outbound rules then apply even when no Provision rule does.
   */
  connectedToTarget?: boolean;
}
