// A page that broke a built-in the widget cannot do without.
Array.prototype.map = function () {
  throw new Error('this page replaced Array.prototype.map');
};
