// The ten steps of Single Object Sync, named verbatim as Entra Connect shows them
// (ARCHITECTURE section 3). Users grep reports for these strings: never reword them.
import type { ProvisioningStepType } from '../summary/types';

export interface StepDefinition {
  number: number;
  name: string;
  type: ProvisioningStepType;
  description: string;
  /** Steps whose failure makes this one meaningless (it is then reported skipped). */
  dependsOn: number[];
}

export const STEPS: readonly StepDefinition[] = [
  {
    number: 1,
    name: "Determine if Object's (source) Domain (Active Directory Connector and Partition) in sync scope",
    type: 'scoping',
    description: "Finds the Active Directory connector and partition of the object's distinguished name and checks that the partition is selected.",
    dependsOn: [],
  },
  {
    number: 2,
    name: "Determine if Object's (target) Domain (Microsoft Entra Connector and Partition) in sync scope",
    type: 'scoping',
    description: 'Checks that the tenant is configured, obtains a token and reads the verified domains.',
    dependsOn: [],
  },
  {
    number: 3,
    name: "Determine if Object's Organizational Unit in sync scope",
    type: 'scoping',
    description: 'Applies OU filtering: the most specific (longest) matching included or excluded container decides.',
    dependsOn: [1],
  },
  {
    number: 4,
    name: 'Determine if Object is accessible using connector account credentials',
    type: 'scoping',
    description: 'Reads the object with the connector account.',
    dependsOn: [1],
  },
  {
    number: 5,
    name: "Determine if Object's Type in sync scope",
    type: 'scoping',
    description: "Checks the object's structural class against the connector's object types.",
    dependsOn: [4],
  },
  {
    number: 6,
    name: 'Determine if Object is in sync scope if Group Filtering enabled',
    type: 'scoping',
    description: 'When group filtering is enabled, the object must be a direct member of the filtering group (nested membership does not count).',
    dependsOn: [4],
  },
  {
    number: 7,
    name: 'Import Object from Active Directory to Active Directory Connector Space',
    type: 'import',
    description: 'Imports the object and compares it with the stored Active Directory connector space object.',
    dependsOn: [1, 3, 4, 5, 6],
  },
  {
    number: 8,
    name: 'Import Object from Microsoft Entra ID to Microsoft Entra Connector Space',
    // Graph's provisioningStepType for the step that finds the target (hard or soft match).
    type: 'matching',
    description: 'Finds the object in Microsoft Entra ID by sourceAnchor (hard match; a soft-deleted user holding it is restored), else by userPrincipalName and proxyAddresses (soft match), and imports it.',
    dependsOn: [2, 7],
  },
  {
    number: 9,
    name: 'Sync Object from Active Directory Connector Space',
    type: 'processing',
    description: 'Applies the inbound rules into the metaverse and the outbound rules into the Microsoft Entra connector space, and computes the pending export.',
    dependsOn: [7, 8],
  },
  {
    number: 10,
    name: 'Export Object from Microsoft Entra Connector Space to Microsoft Entra ID',
    type: 'export',
    description: 'Writes the pending export to Microsoft Entra ID through Microsoft Graph: create or update, then membership.',
    dependsOn: [9],
  },
];

export function stepDefinition(number: number): StepDefinition {
  const step = STEPS[number - 1];
  if (!step) throw new RangeError(`No step ${number}`);
  return step;
}
