#include <weft/server/default_site.hpp>

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace weft::server {

namespace {

using http::response;
using http::status;

constexpr std::string_view welcome_page = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>weft is running</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.8rem; } code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
  a { color: #0a58ca; } footer { margin-top: 3rem; color: #666; font-size: .9rem; }
  #demo form { display: grid; gap: .5rem; margin: 1rem 0; }
  #demo input, #demo textarea { font: inherit; padding: .3rem .4rem; width: 100%; box-sizing: border-box; }
  #demo button { font: inherit; justify-self: start; padding: .3rem 1rem; }
  #notes { list-style: none; padding: 0; }
  #notes li { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
  #notes .note-body { white-space: pre-wrap; margin: .25rem 0; }
  #notes small { color: #666; margin-left: .5rem; } #notes li button { float: right; font-size: .8rem; padding: 0 .5rem; }
</style>
</head>
<body>
<h1>weft is running</h1>
<p>This page is built into the <code>weft</code> binary and is served when <code>weft serve</code>
is started without <code>--root</code>.</p>
<p>weft is a C++20 network toolkit and the web server built on it. It has one library and one
command. The library holds:</p>
<ul>
  <li>addresses and CIDR arithmetic;</li>
  <li>an io_uring/epoll runtime with coroutines;</li>
  <li>a strict HTTP/1.1 parser;</li>
  <li>the server you are talking to now.</li>
</ul>
<ul>
  <li><a href="/status">Live status</a> shows uptime, connections, requests and bytes. Scripts can
    read <a href="/status.json">status.json</a> instead.</li>
  <li>To serve your own files, run <code>weft serve --root DIR</code>.</li>
  <li>Run <code>weft --help</code> to see the other commands: <code>ip</code>, <code>mac</code>,
    <code>asn</code>, <code>port</code> and <code>echo</code>.</li>
</ul>
<section id="demo">
<h2>REST demo</h2>
<p>A JSON API for notes, kept in SQLite: <code>GET</code>, <code>POST</code>
<code>/api/notes</code> and <code>GET</code>, <code>PUT</code>, <code>DELETE</code>
<code>/api/notes/{id}</code>. This form uses it with <code>fetch</code>.</p>
<p id="demo-status" role="status">Loading the notes&hellip;</p>
<ul id="notes"></ul>
<form id="note-form" hidden>
  <label for="note-title">Title</label>
  <input id="note-title" name="title" required maxlength="200" autocomplete="off">
  <label for="note-body">Body</label>
  <textarea id="note-body" name="body" rows="3" maxlength="10000"></textarea>
  <button type="submit">Add note</button>
</form>
</section>
<script>
// Notes are user content: they only ever reach the page through textContent.
(function () {
  'use strict';
  var api = '/api/notes';
  var form = document.getElementById('note-form');
  var title = document.getElementById('note-title');
  var body = document.getElementById('note-body');
  var list = document.getElementById('notes');
  var status = document.getElementById('demo-status');
  var automated = false; // set by the #demo-note= hook

  function say(text) { status.textContent = text; }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // A problem document's detail (and JSON path), or the status line.
  function failure(response) {
    return response.json().catch(function () { return {}; }).then(function (doc) {
      var text = doc.detail || (response.status + ' ' + response.statusText);
      if (doc.path && text.indexOf(doc.path) < 0) { text = doc.path + ': ' + text; }
      throw new Error(text);
    });
  }

  function render(page) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    page.notes.forEach(function (note) {
      var item = element('li');
      item.dataset.id = String(note.id);
      var remove = element('button', '', 'Delete');
      remove.type = 'button';
      remove.addEventListener('click', function () { drop(note.id); });
      item.appendChild(remove);
      item.appendChild(element('strong', 'note-title', note.title));
      if (note.body) { item.appendChild(element('div', 'note-body', note.body)); }
      item.appendChild(element('small', '', '#' + note.id + ', ' + note.created));
      list.appendChild(item);
    });
    var n = page.total;
    say(n === 0 ? 'No notes yet: add the first one.'
        : n + (n === 1 ? ' note' : ' notes') +
          (page.notes.length < n ? ' (showing the newest ' + page.notes.length + ')' : '') + '.');
  }

  // @returns a promise of the page, or of null when the server has no notes API.
  function load() {
    return fetch(api + '?limit=100', { headers: { 'Accept': 'application/json' } })
      .then(function (response) {
        if (response.status === 404) {
          form.hidden = true;
          say('The notes API is not enabled on this server: ' +
              'start weft serve --demo-db notes.db to enable the demo.');
          return null;
        }
        return response.ok ? response.json() : failure(response);
      })
      .then(function (page) {
        if (page) { form.hidden = false; render(page); }
        return page;
      });
  }

  function add() {
    return fetch(api, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify({ title: title.value, body: body.value })
    }).then(function (response) {
      return response.ok ? response.json() : failure(response);
    });
  }

  function drop(id) {
    fetch(api + '/' + encodeURIComponent(id), { method: 'DELETE' })
      .then(function (response) { return response.ok ? load() : failure(response); })
      .catch(function (error) { say('Could not delete the note: ' + error.message); });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    add().then(function (note) {
      form.reset();
      return load().then(function () {
        if (automated) { document.title = 'weft \u2014 note created'; }
        return note;
      });
    }).catch(function (error) {
      say('Could not add the note: ' + error.message);
    }).then(function () { button.disabled = false; });
  });

  // Automation hook for tests: #demo-note=TEXT fills the title with TEXT and submits.
  function hook() {
    var match = /^#demo-note=(.*)$/.exec(location.hash);
    if (!match) { return; }
    var text = match[1];
    try { text = decodeURIComponent(text); } catch (e) { /* keep it as written */ }
    // Drop the hash, so reloading the page does not add the note again.
    history.replaceState(null, '', location.pathname + location.search);
    automated = true;
    title.value = text;
    if (form.requestSubmit) { form.requestSubmit(); }
    else { form.dispatchEvent(new Event('submit', { cancelable: true })); }
  }

  load().then(function (page) { if (page) { hook(); } })
    .catch(function (error) { say('Could not load the notes: ' + error.message); });
})();
</script>
<footer>weft</footer>
</body>
</html>
)";

std::string uptime_text(std::chrono::steady_clock::duration d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return fmt::format("{}d {:02}:{:02}:{:02}", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

} // namespace

response default_site(const http::request_head& head, const server_stats& stats) {
    if (head.method != "GET" && head.method != "HEAD") {
        auto r = response::problem(status::method_not_allowed, "this site answers GET and HEAD");
        r.set("Allow", "GET, HEAD");
        return r;
    }
    const std::string_view path = head.target.substr(0, head.target.find('?'));
    const auto uptime = std::chrono::steady_clock::now() - stats.started;
    if (path == "/" || path == "/index.html") {
        return response::html(status::ok, std::string(welcome_page));
    }
    if (path == "/status.json") {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(uptime).count();
        return response::text(
            status::ok,
            fmt::format(R"({{"uptime_seconds":{},"connections":{},"requests":{},"bytes_sent":{}}})",
                        seconds, stats.connections.load(std::memory_order_relaxed),
                        stats.requests.load(std::memory_order_relaxed),
                        stats.bytes_sent.load(std::memory_order_relaxed)),
            "application/json");
    }
    if (path == "/status") {
        auto r = response::html(
            status::ok,
            fmt::format(R"(<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2"><title>weft status</title></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto">
<h1>weft status</h1>
<table>
<tr><th align="left">uptime</th><td>{}</td></tr>
<tr><th align="left">connections</th><td>{}</td></tr>
<tr><th align="left">requests</th><td>{}</td></tr>
<tr><th align="left">bytes sent</th><td>{}</td></tr>
</table>
<p><a href="/">home</a> · <a href="/status.json">status.json</a></p>
</body></html>
)",
                        uptime_text(uptime), stats.connections.load(std::memory_order_relaxed),
                        stats.requests.load(std::memory_order_relaxed),
                        stats.bytes_sent.load(std::memory_order_relaxed)));
        r.set("Cache-Control", "no-store");
        return r;
    }
    return response::problem(status::not_found, "no such page on the built-in site");
}

} // namespace weft::server
