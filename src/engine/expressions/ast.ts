// Syntax tree of Entra Connect's declarative provisioning expression language.

export type BinaryOperator = '&' | '&&' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/';

export type Expr =
  /** monikerValue: the literal with \n \r \t decoded, for Replace only (see lexer.ts). */
  | { kind: 'string'; value: string; monikerValue?: string; column: number }
  | { kind: 'number'; value: number; column: number }
  | { kind: 'boolean'; value: boolean; column: number }
  | { kind: 'null'; column: number }
  | { kind: 'authoritativeNull'; column: number }
  | { kind: 'ignoreThisFlow'; column: number }
  | { kind: 'attribute'; name: string; column: number }
  | { kind: 'parameter'; name: string; column: number }
  | { kind: 'variable'; name: string; column: number }
  | { kind: 'call'; name: string; args: Expr[]; column: number }
  | { kind: 'unary'; operator: '!' | '-'; operand: Expr; column: number }
  | { kind: 'binary'; operator: BinaryOperator; left: Expr; right: Expr; column: number };
