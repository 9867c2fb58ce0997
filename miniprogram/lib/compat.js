// The few library functions newer than some phones' JavaScript runtimes that
// the package's modules use (the developer tool's ES5 compile rewrites
// syntax, not the library): each defined here only where it is missing.
// app.js loads this before any page. tests/miniprogram/compat.test.mjs keeps
// the list in step with what the package calls.
function define(target, name, value) {
  if (typeof target[name] !== 'function') Object.defineProperty(target, name, { value, configurable: true, writable: true });
}

define(Object, 'hasOwn', (object, key) => Object.prototype.hasOwnProperty.call(object, key));

define(Array.prototype, 'findLast', function findLast(predicate, thisArg) {
  for (let i = this.length - 1; i >= 0; i--) {
    if (predicate.call(thisArg, this[i], i, this)) return this[i];
  }
  return undefined;
});

module.exports = { PROVIDED: ['Object.hasOwn', 'Array.prototype.findLast'] };
