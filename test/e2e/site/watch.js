// Records CSP violations and uncaught errors so the end-to-end test can assert there were none.
window.__violations = [];
window.__errors = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample}`);
});
window.addEventListener('error', (event) => window.__errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => window.__errors.push(String(event.reason)));
