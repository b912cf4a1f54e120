// The host page's own script, run after the widget's tag: it must keep working whatever the widget does.
window.__hostClicks = 0;
document.getElementById('host-button').addEventListener('click', function () {
  window.__hostClicks++;
});
window.__hostReady = true;
