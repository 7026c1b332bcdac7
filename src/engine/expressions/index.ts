// The expression language: compile once (syntax, unknown functions and arity are checked
// here, at load time), evaluate many times.
import { compileNode, run, type ExpressionContext, type ExpressionOrigin } from './evaluator';
import { parseExpression, referencedAttributes } from './parser';
import type { Expr } from './ast';
import type { Value } from './values';

export interface CompiledExpression {
  readonly text: string;
  readonly ast: Expr;
  /** Source attributes the expression reads. */
  readonly attributes: readonly string[];
  evaluate(context: ExpressionContext, origin?: ExpressionOrigin): Value;
}

export function compileExpression(text: string): CompiledExpression {
  const ast = parseExpression(text);
  const compiled = compileNode(ast);
  return {
    text,
    ast,
    attributes: [...referencedAttributes(ast)],
    evaluate: (context, origin) => run(compiled, context, origin, text),
  };
}

export type { ExpressionContext, ExpressionOrigin } from './evaluator';
export type { Expr } from './ast';
export { AuthoritativeNull, IgnoreThisFlow, FlowMarker, isMarker, type Scalar, type Value } from './values';
export { functionNames } from './functions';
