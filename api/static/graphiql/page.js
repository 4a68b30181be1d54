// The GraphiQL page of Red Engine Graph: GraphiQL with the explorer, and a sign-in bar.
//
// The bearer token lives in this tab's sessionStorage only (gone when the tab closes), never in
// localStorage. GraphiQL's Headers pane is not persisted either: shouldPersistHeaders is off, and
// as GraphiQL 3.8 still saves each run's headers with its history (`graphiql:queries`), GraphiQL
// gets a storage that writes every `headers` field as null.
// Each request gets `Authorization: Bearer <token>` unless the Headers pane already sets one.
(function () {
  "use strict";
  var KEY = "redengine.token"; // sessionStorage key, shared with any other page of this app
  var endpoint = window.location.origin + window.location.pathname;
  var form = document.getElementById("re-signin");
  var input = document.getElementById("re-token");
  var signout = document.getElementById("re-signout");
  var status = document.getElementById("re-status");
  var mounts = 0;

  function token() {
    return window.sessionStorage.getItem(KEY);
  }

  function hasAuthorization(headers) {
    return Object.keys(headers || {}).some(function (k) { return k.toLowerCase() === "authorization"; });
  }

  function withToken(url, init) {
    init = Object.assign({}, init);
    var headers = Object.assign({}, init.headers);
    var t = token();
    if (t && !hasAuthorization(headers)) headers.Authorization = "Bearer " + t;
    init.headers = headers;
    return window.fetch(url, init);
  }

  function withoutHeaders(value) {
    try {
      return JSON.stringify(JSON.parse(value), function (k, v) { return k === "headers" ? null : v; });
    } catch (e) {
      return value; // not JSON: a plain setting such as "false"
    }
  }

  // GraphiQL's own storage is localStorage under "graphiql:"; this one never keeps headers there
  var storage = {
    getItem: function (key) { return window.localStorage.getItem(key); },
    setItem: function (key, value) { window.localStorage.setItem(key, withoutHeaders(value)); },
    removeItem: function (key) { window.localStorage.removeItem(key); },
    get length() { return Object.keys(window.localStorage).filter(isGraphiQLKey).length; },
    clear: function () { Object.keys(window.localStorage).filter(isGraphiQLKey).forEach(this.removeItem); }
  };

  function isGraphiQLKey(key) {
    return key.indexOf("graphiql:") === 0;
  }

  var fetcher = GraphiQL.createFetcher({ url: endpoint, fetch: withToken });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));

  var DEFAULT_QUERY = [
    "# 红色引擎组织图谱 GraphQL 接口",
    "# 在上方输入访问令牌并登录，再按 Ctrl-Enter 运行查询；",
    "# 也可在下方 Headers 中填写 {\"Authorization\": \"Bearer re_…\"}。",
    "{",
    "  coverage { villages villagesWithLiaison }",
    "}",
    ""
  ].join("\n");

  function render() {
    // a new key mounts GraphiQL afresh, so it fetches the schema again with the new token
    mounts += 1;
    root.render(React.createElement(GraphiQL, {
      key: mounts,
      fetcher: fetcher,
      storage: storage,
      plugins: [explorer],
      defaultQuery: DEFAULT_QUERY,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true
    }));
  }

  function showSignedIn() {
    var signedIn = Boolean(token());
    input.hidden = signedIn;
    form.querySelector("label").hidden = signedIn;
    document.getElementById("re-signin-button").hidden = signedIn;
    signout.hidden = !signedIn;
    status.textContent = signedIn
      ? "已登录（令牌只保存在本标签页，关闭即清除）"
      : "未登录：输入访问令牌，或在 Headers 中填写 Authorization";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var t = input.value.trim().replace(/^bearer\s+/i, ""); // a pasted "Bearer re_…" too
    input.value = "";
    if (!t) return;
    window.sessionStorage.setItem(KEY, t);
    showSignedIn();
    render();
  });

  signout.addEventListener("click", function () {
    window.sessionStorage.removeItem(KEY);
    showSignedIn();
    render();
  });

  showSignedIn();
  render();
})();
