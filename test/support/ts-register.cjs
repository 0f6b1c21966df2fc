// Runs the TypeScript sources as they are, in a child process that a test starts (`node -r
// ./test/support/ts-register.cjs apps/<app>/src/main.ts`): no build needed. Each file is
// transpiled alone, as ts-jest does (isolatedModules), and `@app/*` resolves to libs/*/src. Unlike
// Jest's module system, Node's own require lets OpenTelemetry's instrumentations patch http.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const tsconfigPaths = require('tsconfig-paths');

const root = path.resolve(__dirname, '../..');
const { config } = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
tsconfigPaths.register({ baseUrl: root, paths: config.compilerOptions.paths });

const compilerOptions = { ...options, module: ts.ModuleKind.CommonJS, sourceMap: false, inlineSourceMap: true, inlineSources: true };
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
