import type { Attributes } from '../model/attributes';
import type { RuleDirection } from './model';

export interface EvaluationContext {
  /** %Domain.FQDN% etc. and connector global parameters. */
  parameters: Record<string, string>;
  /** ISMEMBEROF / group scoping: is the object a direct member of groupDn? (sync, precomputed set ok) */
  isMemberOf?: (groupDn: string) => boolean;
  now?: Date;
  /**
   * Attributes the target object already has (metaverse for inbound, Entra connector space
   * for outbound). Inbound, its presence says the metaverse object exists (see creatingTarget).
   */
  existingTarget?: Attributes;
  /**
   * Outbound: the metaverse object is already connected to an Entra connector-space object
   * (joined earlier). Join-type outbound rules then apply even when no Provision rule does.
   */
  connectedToTarget?: boolean;
  /**
   * The target object is being created by this synchronization: inbound, a new metaverse object
   * is projected; outbound, a new object is provisioned to the connector space. "Apply once"
   * flows run only then ("the attribute should only be set when the object is initially
   * created"). Absent, it is told from the other fields (targetIsCreated).
   */
  creatingTarget?: boolean;
}

/**
 * Is the target object being created (see EvaluationContext.creatingTarget)? Unless the caller
 * says so: inbound, when no metaverse object exists yet (no existingTarget); outbound, when the
 * metaverse object is connected to no connector-space object (connectedToTarget not set) and
 * that object has no value (existingTarget absent or empty: the pipeline passes {} for "none").
 */
export function targetIsCreated(context: EvaluationContext, direction: RuleDirection): boolean {
  if (context.creatingTarget !== undefined) return context.creatingTarget;
  if (direction === 'inbound') return context.existingTarget === undefined;
  if (context.connectedToTarget) return false;
  const existing = context.existingTarget;
  return existing === undefined || !Object.keys(existing).some((name) => (existing[name]?.length ?? 0) > 0);
}
