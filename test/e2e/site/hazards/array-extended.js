// Old libraries (Prototype, MooTools, Sugar) extend Array.prototype with enumerable methods, and replace some
// native ones with polyfills that are slower or subtly different. The widget must work on such a page.
(function () {
  Array.prototype.each = function (fn) {
    for (var i = 0; i < this.length; i++) fn(this[i], i);
    return this;
  };
  Array.prototype.remove = function (item) {
    var i = this.indexOf(item);
    if (i >= 0) this.splice(i, 1);
    return this;
  };
  Array.prototype.last = function () {
    return this[this.length - 1];
  };
  // Non-native replacements that behave like the originals for ordinary arrays.
  Array.prototype.includes = function (item) {
    return this.indexOf(item) !== -1;
  };
  Array.prototype.find = function (test, self) {
    for (var i = 0; i < this.length; i++) if (test.call(self, this[i], i, this)) return this[i];
    return undefined;
  };
})();
