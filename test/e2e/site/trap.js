// The script trap of the hostile-content suite, loaded as a classic script before anything else: every way a
// payload could announce that it ran (alert, confirm, prompt, print, window.__hit) records the call instead,
// and so do opening windows and a changed title or address. The suite asserts the record stays empty.
(function () {
  var trapped = (window.__trapped = []);
  function trap(name) {
    return function () {
      trapped.push(name + '(' + Array.prototype.slice.call(arguments).map(String).join(',') + ')');
    };
  }
  ['alert', 'confirm', 'prompt', 'print', 'open', '__hit'].forEach(function (name) {
    window[name] = trap(name);
  });
  var title = document.title;
  var href = location.href;
  window.__trapCheck = function () {
    if (document.title !== title) trapped.push('title changed to ' + document.title);
    if (location.href !== href) trapped.push('address changed to ' + location.href);
    return trapped;
  };
})();
