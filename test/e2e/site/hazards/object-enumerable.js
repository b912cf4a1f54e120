// A page (or an old library on it) that extends Object.prototype with a plain assignment: enumerable.
Object.prototype.extend = function (other) {
  return Object.assign(this, other);
};
