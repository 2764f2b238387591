// The three parts of nunjucks that src/template/parse.ts uses, imported on their own: the
// package's index also loads its environment, compiler, loaders and runtime, which k8splay
// never uses (it compiles the AST itself, src/template/compile.ts). Untyped in
// @types/nunjucks, whose types cover the package's index only.
declare module 'nunjucks/src/lexer.js' {
  const lexer: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export default lexer;
}
declare module 'nunjucks/src/parser.js' {
  const parser: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export default parser;
}
declare module 'nunjucks/src/nodes.js' {
  const nodes: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export default nodes;
}
