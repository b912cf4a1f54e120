// Prototype.js 1.6 gave arrays a toJSON method returning their JSON text, so JSON.stringify turns any array
// into a string of JSON. Pages built on it still exist.
Array.prototype.toJSON = function () {
  return '[' + Array.prototype.map.call(this, function (item) { return JSON.stringify(item); }).join(', ') + ']';
};
