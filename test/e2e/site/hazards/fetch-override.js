// A page whose fetch is wrapped by something that refuses everything (an over-eager privacy or analytics
// script). The widget needs no fetch of its own.
window.__fetchCalls = 0;
window.fetch = function () {
  window.__fetchCalls++;
  return Promise.reject(new TypeError('fetch is blocked on this page'));
};
