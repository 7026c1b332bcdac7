// Sync rules written the way the Synchronization Rules Editor writes them into a
// Get-ADSyncServerConfiguration export, for tests that customize the sample export as Microsoft
// documents (attribute-based filtering, edited default rules).

/** A new inbound user → person Join rule: one scope group, Constant flows, no join rules. */
export function inboundFilterRule(id: string, name: string, precedence: number, scope: [string, string, string][], flows: [string, string][]): string {
  return `<synchronizationRule>
  <id>{${id}}</id>
  <internal-id>{${id}}</internal-id>
  <version>1</version>
  <name>${name}</name>
  <description />
  <immutable-tag />
  <direction>Inbound</direction>
  <disabled>False</disabled>
  <connector>{ae4db4cc-b16b-4eb2-acf5-837ca84e4d7d}</connector>
  <sourceObjectType>user</sourceObjectType>
  <targetObjectType>person</targetObjectType>
  <linkType>Join</linkType>
  <precedence>${precedence}</precedence>
  <precedence-after>{00000000-0000-0000-0000-000000000000}</precedence-after>
  <precedence-before>{00000000-0000-0000-0000-000000000000}</precedence-before>
  <softDeleteExpiryInterval>00:00:00</softDeleteExpiryInterval>
  <EnablePasswordSync>false</EnablePasswordSync>
  <attribute-mappings>
${flows.map(([dest, constant]) => `    <mapping>\n      <dest>${dest}</dest>\n      <src>${constant}</src>\n      <valueMergeType>Update</valueMergeType>\n    </mapping>`).join('\n')}
  </attribute-mappings>
  <relationshipCriteria />
  ${scope.length ? `<synchronizationCriteria>
    <conditions>
${scope.map(([attribute, operator, value]) => `      <scope>\n        <csAttribute>${attribute}</csAttribute>\n        <csOperator>${operator}</csOperator>\n        <csValue>${value}</csValue>\n      </scope>`).join('\n')}
    </conditions>
  </synchronizationCriteria>` : '<synchronizationCriteria />'}
</synchronizationRule>
`;
}

/** Any rule, written as the Synchronization Rules Editor exports it (LF; a test wanting Windows' CRLF converts). */
export function syncRuleXml(o: { id: string; name: string; direction: 'Inbound' | 'Outbound'; connector: string; source: string; target: string; precedence: number; linkType?: string; disabled?: boolean; mappings: string; scope?: string; join?: string }): string {
  return `<synchronizationRule>
  <id>{${o.id}}</id>
  <internal-id>{${o.id}}</internal-id>
  <version>1</version>
  <name>${o.name}</name>
  <description />
  <immutable-tag />
  <direction>${o.direction}</direction>
  <disabled>${o.disabled ? 'True' : 'False'}</disabled>
  <connector>{${o.connector}}</connector>
  <sourceObjectType>${o.source}</sourceObjectType>
  <targetObjectType>${o.target}</targetObjectType>
  <linkType>${o.linkType ?? 'Join'}</linkType>
  <precedence>${o.precedence}</precedence>
  <precedence-after>{00000000-0000-0000-0000-000000000000}</precedence-after>
  <precedence-before>{00000000-0000-0000-0000-000000000000}</precedence-before>
  <softDeleteExpiryInterval>00:00:00</softDeleteExpiryInterval>
  <EnablePasswordSync>false</EnablePasswordSync>
  <attribute-mappings>
${o.mappings}
  </attribute-mappings>
  ${o.join ?? '<relationshipCriteria />'}
  ${o.scope ?? '<synchronizationCriteria />'}
</synchronizationRule>
`;
}
