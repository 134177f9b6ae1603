// The sign-in popup's last page (fedomop/server_auth.py): hands the provider's answer to the lab window
// that opened it, with oidc-client-ts's own popup callback (loaded just before as the global `oidc`),
// which then closes this window. Written for the browser as it is: no build step, no lab bundle.
(function () {
  'use strict';
  var status = document.getElementById('fedomop-callback-status');
  function fail(message) {
    status.textContent = 'Sign-in could not be completed: ' + message + ' You can close this window.';
  }
  if (typeof oidc === 'undefined') {
    fail('the sign-in script is missing (rebuild the lab extension: scripts/build-lab.sh).');
    return;
  }
  if (!window.opener) {
    fail('this page is meant to open in the sign-in popup of JupyterLab.');
    return;
  }
  // Only the popup callback is used, which needs no provider settings; the stores stay in memory.
  var memory = function () {
    return new oidc.WebStorageStateStore({ store: new oidc.InMemoryWebStorage() });
  };
  var manager = new oidc.UserManager({
    authority: window.location.origin,
    client_id: 'fedomop-lab',
    redirect_uri: window.location.href.split('?')[0],
    userStore: memory(),
    stateStore: memory(),
  });
  manager.signinPopupCallback().catch(function (err) {
    fail(String((err && err.message) || err) + '.');
  });
})();
