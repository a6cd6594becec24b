import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Every regular expression in the code that runs a request, read with the TypeScript compiler: the literals, every
// place a RegExp is constructed from a string (only `compilePattern` in lambdas/core/checks/text/patterns.ts may), the calls of
// `compilePattern` with the label the ReDoS test matches against what they compiled, and the calls of String
// `match`/`matchAll`/`search` given a string, which compile that string into a RegExp without saying so.

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The folders scanned: the handlers and their core (lambdas/), and the local runtime (local/), which runs them on one
 * event loop with its own HTTP and SMTP front ends.
 */
export const SCANNED_FOLDERS = ['lambdas', 'local'] as const;

/** The one file allowed to call `new RegExp`: it records what it compiles. */
export const PATTERN_HELPER = 'lambdas/core/checks/text/patterns.ts';

export interface Place {
  /** Path from the project root, with forward slashes. */
  readonly file: string;
  readonly line: number;
}

export interface LiteralPattern extends Place {
  readonly source: string;
  readonly flags: string;
}

export interface CompileSite extends Place {
  /** The label (first argument) when it is a string literal; undefined otherwise, which the test refuses. */
  readonly use: string | undefined;
}

export interface RegexInventory {
  readonly files: readonly string[];
  readonly literals: readonly LiteralPattern[];
  /** `new RegExp(…)`, `RegExp(…)`, or RegExp passed around as a value, outside the helper. */
  readonly constructions: readonly (Place & { readonly code: string })[];
  readonly compileSites: readonly CompileSite[];
  /** `text.match(string)` and the like: a RegExp compiled from a string the analysis never sees. */
  readonly implicit: readonly (Place & { readonly code: string })[];
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function isStringy(type: ts.Type): boolean {
  if (type.isUnion()) return type.types.every(isStringy);
  return (type.flags & ts.TypeFlags.StringLike) !== 0;
}

/** Whether an identifier named RegExp is only used as a type, a class to test against, or to read a static. */
function harmlessRegExpReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent) || ts.isTypeQueryNode(parent)) return true;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword && parent.right === node) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return true;
  // `foo.RegExp` names a property, `{ RegExp: … }` a key: neither is the global.
  if (ts.isPropertyAccessExpression(parent) && parent.name === node)
    return !ts.isIdentifier(parent.expression) || !['globalThis', 'global', 'window', 'self'].includes(parent.expression.text);
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node)
    return true;
  return false;
}

/**
 * Reads every .ts file under the scanned folders. A Program (with the project's compiler options) gives the types
 * of `match`/`matchAll`/`search` arguments; everything else is syntax.
 */
export function scanRegexes(root: string = projectRoot): RegexInventory {
  const files = SCANNED_FOLDERS.flatMap((folder) => sourceFiles(join(root, folder))).map((f) => resolve(f));
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(files, { ...options, noEmit: true });
  const checker = program.getTypeChecker();

  const literals: LiteralPattern[] = [];
  const constructions: (Place & { code: string })[] = [];
  const compileSites: CompileSite[] = [];
  const implicit: (Place & { code: string })[] = [];

  for (const fileName of files) {
    const sourceFile = program.getSourceFile(fileName);
    if (sourceFile === undefined) throw new Error(`the TypeScript program lost ${fileName}`);
    const file = relative(root, fileName).split('\\').join('/');
    const place = (node: ts.Node): Place => ({ file, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1 });
    const code = (node: ts.Node): string => node.getText(sourceFile).replace(/\s+/gu, ' ').slice(0, 120);

    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = node.getText(sourceFile);
        const end = text.lastIndexOf('/');
        literals.push({ ...place(node), source: text.slice(1, end), flags: text.slice(end + 1) });
      } else if (ts.isIdentifier(node) && node.text === 'RegExp' && !harmlessRegExpReference(node) && file !== PATTERN_HELPER) {
        constructions.push({ ...place(node), code: code(node.parent) });
      } else if (ts.isCallExpression(node)) {
        const callee = node.expression;
        if (ts.isIdentifier(callee) && callee.text === 'compilePattern') {
          const label = node.arguments[0];
          compileSites.push({ ...place(node), use: label !== undefined && ts.isStringLiteralLike(label) ? label.text : undefined });
        }
        if (ts.isPropertyAccessExpression(callee) && ['match', 'matchAll', 'search'].includes(callee.name.text)) {
          const argument = node.arguments[0];
          const receiver = checker.getTypeAtLocation(callee.expression);
          if (argument !== undefined && isStringy(receiver) && isStringy(checker.getTypeAtLocation(argument))) {
            implicit.push({ ...place(node), code: code(node) });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { files: files.map((f) => relative(root, f)), literals, constructions, compileSites, implicit };
}
