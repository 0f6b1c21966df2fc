// A Jest transform for dependencies published only as ES modules (jose): TypeScript's own
// transpiler rewrites their import/export to CommonJS, nothing else.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const OWN = createHash('sha256').update(readFileSync(__filename)).update(ts.version).digest('hex');

module.exports = {
  // Jest's cache key leaves out the transformer's own code: a change here must invalidate it.
  getCacheKey(source, filename) {
    return createHash('sha256').update(OWN).update(filename).update(source).digest('hex');
  },
  process(source, filename) {
    const { outputText } = ts.transpileModule(source, {
      fileName: filename.replace(/\.mjs$/, '.js'), // TypeScript keeps a .mjs file an ES module whatever it is told
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
};
