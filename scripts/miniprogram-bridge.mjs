// Brings the pages' DOM-free ES modules into the mini-program as CommonJS, so
// that both front ends share one copy of their words and view logic: each
// module (and every module it imports) from www/ is written to
// miniprogram/web/ under the same relative path.
//
// The transform only rewrites import and export statements:
//   import { a, b as c } from './x.js';  →  const { a, b: c } = require('./x.js');
//   import * as ns from './x.js';        →  const ns = require('./x.js');
//   export const|let|var|function|class NAME   →  the declaration, NAME exported
//   export { a, b as c };                →  a and b exported (as c)
// and lists the exports in `module.exports` at the end. Anything else stops
// the build with a BridgeError: default or re-exports, side-effect imports,
// import.meta, dynamic import(), top-level await, an import from outside www/,
// and a module that reaches for the DOM (document, window, localStorage, …)
// while it loads, which is checked by loading it where those names throw.
//
// Usage: node scripts/miniprogram-bridge.mjs WWW_DIR OUT_DIR MODULE...
//   (MODULE relative to WWW_DIR, e.g. verify/verdict.js)
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export class BridgeError extends Error {
  constructor(file, message) {
    super(`${file}: ${message}`);
    this.name = 'BridgeError';
    this.file = file;
  }
}

/** Globals of a page that the mini-program does not have. */
export const DOM_GLOBALS = [
  'document', 'window', 'self', 'localStorage', 'sessionStorage', 'indexedDB', 'IDBKeyRange', 'navigator',
  'location', 'history', 'fetch', 'XMLHttpRequest', 'HTMLElement', 'customElements', 'addEventListener',
  'TextEncoder', 'TextDecoder', 'WebAssembly', 'Worker', 'caches', 'crypto',
];

// The source with comments and the insides of strings, template literals and
// regular expressions replaced by spaces (line breaks kept), so that the
// statements can be found by position without a full parser.
export function mask(source) {
  const out = source.split('');
  const blank = (from, to) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Where a `/` starts a regular expression rather than a division.
  const regexAfter = /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await))\s*$/;
  const braces = []; // for each open `{`: whether it opened a template's ${
  let i = 0;
  const n = source.length;
  const template = () => {
    // i is just after a backtick or a template's closing brace.
    const start = i;
    while (i < n && source[i] !== '`') {
      if (source[i] === '\\') i += 2;
      else if (source[i] === '$' && source[i + 1] === '{') {
        blank(start, i);
        i += 2;
        braces.push(true);
        return;
      } else i++;
    }
    blank(start, i);
    i++;
  };
  while (i < n) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const start = ++i;
      while (i < n && source[i] !== c && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      blank(start, i);
      i++;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '{') {
      braces.push(false);
      i++;
    } else if (c === '}') {
      i++;
      if (braces.pop()) template();
    } else if (c === '/' && regexAfter.test(out.slice(Math.max(0, i - 40), i).join(''))) {
      const start = ++i;
      let inClass = false;
      while (i < n && source[i] !== '\n' && (inClass || source[i] !== '/')) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      blank(start, i);
      i++;
    } else i++;
  }
  return out.join('');
}

const NAME = '[A-Za-z_$][\\w$]*';

function specifiers(list, file, what) {
  const parts = list.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.map((part) => {
    const m = part.match(new RegExp(`^(${NAME})(?:\\s+as\\s+(${NAME}))?$`));
    if (!m) throw new BridgeError(file, `${what} { ${list.trim()} } not understood`);
    return { name: m[1], as: m[2] || m[1] };
  });
}

/**
 * The CommonJS text of ES module `source` (named `file` in errors), and the
 * relative specifiers it imports: `{code, imports: ['./i18n.js', …], exports: [names]}`.
 */
export function toCommonJs(source, file = 'module') {
  const masked = mask(source);
  if (/\bimport\s*\.\s*meta\b/.test(masked)) throw new BridgeError(file, 'uses import.meta');
  if (/\bimport\s*\(/.test(masked)) throw new BridgeError(file, 'uses a dynamic import()');

  const edits = []; // [start, end, replacement]
  const imports = [];
  const exported = []; // {name, as}
  const statement = /^(import|export)\b/gm;
  let m;
  while ((m = statement.exec(masked))) {
    const start = m.index;
    // The statement ends at its first `;` (the masked text has no strings).
    const semi = masked.indexOf(';', start);
    const rest = masked.slice(start);
    if (m[1] === 'import') {
      if (semi < 0) throw new BridgeError(file, 'an import without a closing semicolon');
      const text = source.slice(start, semi + 1);
      const form = text.match(new RegExp(`^import\\s+(?:\\{([^}]*)\\}|\\*\\s+as\\s+(${NAME}))\\s+from\\s+(['"])([^'"]+)\\3\\s*;$`));
      if (!form) throw new BridgeError(file, `import not understood: ${text.split('\n')[0]}`);
      const spec = form[4];
      if (!/^\.\.?\//.test(spec) || !spec.endsWith('.js')) throw new BridgeError(file, `imports ${spec}: only relative .js modules are bridged`);
      imports.push(spec);
      const binding = form[2] || `{ ${specifiers(form[1], file, 'import').map((s) => (s.as === s.name ? s.name : `${s.name}: ${s.as}`)).join(', ')} }`;
      edits.push([start, semi + 1, `const ${binding} = require('${spec}');`]);
      continue;
    }
    let d;
    if ((d = rest.match(new RegExp(`^export(\\s+)(?:async\\s+)?(?:function\\s*\\*?|class)\\s+(${NAME})`)))) {
      exported.push({ name: d[2], as: d[2] });
      edits.push([start, start + 'export'.length + d[1].length, '']);
    } else if ((d = rest.match(new RegExp(`^export(\\s+)(?:const|let|var)\\s+(${NAME})\\s*=`)))) {
      exported.push({ name: d[2], as: d[2] });
      edits.push([start, start + 'export'.length + d[1].length, '']);
    } else if ((d = rest.match(/^export\s*\{([^}]*)\}\s*;/)) && !/^export\s*\{[^}]*\}\s*from\b/.test(rest)) {
      exported.push(...specifiers(d[1], file, 'export'));
      edits.push([start, start + d[0].length, '']);
    } else {
      throw new BridgeError(file, `export not understood (only named declarations and export { … }): ${source.slice(start).split('\n')[0]}`);
    }
  }
  if (/(^|[^\w$.])(import|export)\s*[{*'"]/.test(masked.replace(/^(import|export)\b/gm, ''))) {
    throw new BridgeError(file, 'an import or export that is not at the start of a line');
  }
  const seen = new Set();
  for (const { as } of exported) {
    if (seen.has(as)) throw new BridgeError(file, `exports ${as} twice`);
    seen.add(as);
  }

  let body = source;
  for (const [from, to, text] of edits.sort((a, b) => b[0] - a[0])) body = body.slice(0, from) + text + body.slice(to);
  const list = exported.map(({ name, as }) => (name === as ? name : `${as}: ${name}`)).join(', ');
  const code = `'use strict';\n${body}${body.endsWith('\n') ? '' : '\n'}module.exports = { ${list} };\n`;
  try {
    new vm.Script(`(function (module, exports, require) {${code}\n})`, { filename: file });
  } catch (e) {
    if (/\bawait\b/.test(e.message)) throw new BridgeError(file, `top-level await is not allowed (${e.message})`);
    throw new BridgeError(file, `does not parse after the transform: ${e.message}`);
  }
  return { code, imports, exports: exported.map((e) => e.as) };
}

/**
 * Loads converted modules (`{path: code}`, paths relative to the bridge's
 * root) in a context that has the language's own globals only, where each
 * DOM global throws when touched: a module that needs the DOM while it loads
 * is refused. Returns `{path: exports}`.
 */
export function loadIsolated(modules) {
  const sandbox = { console };
  for (const name of DOM_GLOBALS) {
    Object.defineProperty(sandbox, name, {
      get() {
        throw new Error(`touches ${name} while it loads (the mini-program has no ${name})`);
      },
    });
  }
  const context = vm.createContext(sandbox);
  const loaded = {};
  const load = (path) => {
    if (path in loaded) return loaded[path].exports;
    if (!(path in modules)) throw new BridgeError(path, 'imported but not bridged');
    const module = { exports: {} };
    loaded[path] = module;
    const fn = vm.runInContext(`(function (module, exports, require) {${modules[path]}\n})`, context, { filename: path });
    const require = (spec) => load(posix.join(posix.dirname(path), spec));
    try {
      fn(module, module.exports, require);
    } catch (e) {
      throw e instanceof BridgeError ? e : new BridgeError(path, e.message);
    }
    return module.exports;
  };
  const exports = {};
  for (const path of Object.keys(modules)) exports[path] = load(path);
  return exports;
}

/**
 * Converts `entries` (paths under `wwwDir`) and every module they import,
 * checks them, and writes them under `outDir` (nothing is written unless all
 * pass; other files there are removed). Returns the
 * list of paths written.
 */
export function bridge(wwwDir, outDir, entries) {
  const modules = {};
  const queue = [...entries];
  while (queue.length) {
    const path = normalize(queue.shift()).split('\\').join('/');
    if (path in modules) continue;
    if (path.startsWith('../') || path.startsWith('/')) throw new BridgeError(path, 'outside www/');
    let source;
    try {
      source = readFileSync(join(wwwDir, path), 'utf8');
    } catch (e) {
      throw new BridgeError(path, `cannot be read (${e.code || e.message})`);
    }
    const { code, imports } = toCommonJs(source, `www/${path}`);
    modules[path] = code;
    for (const spec of imports) queue.push(posix.join(posix.dirname(path), spec));
  }
  loadIsolated(modules);

  // Each file replaced whole (a build running beside a test that loads these
  // files never shows it half a file or none); files no longer bridged go.
  for (const [path, code] of Object.entries(modules)) {
    const file = join(outDir, path);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `// Generated by scripts/miniprogram from www/${path}; do not edit.\n${code}`);
    renameSync(tmp, file);
  }
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (!(relative(outDir, full).split('\\').join('/') in modules) && !entry.name.endsWith('.tmp')) rmSync(full);
    }
  };
  walk(outDir);
  return Object.keys(modules).sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [wwwDir, outDir, ...entries] = process.argv.slice(2);
  if (!wwwDir || !outDir || !entries.length) {
    console.error('usage: node scripts/miniprogram-bridge.mjs WWW_DIR OUT_DIR MODULE...');
    process.exit(2);
  }
  try {
    const written = bridge(wwwDir, outDir, entries);
    console.error(`bridged ${written.length} modules: ${written.join(' ')}`);
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
