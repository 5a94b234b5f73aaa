'use strict';
// Every value from the database goes into the page with textContent, never as HTML: a comment or
// an application_name can carry anything.
(function () {
  var refreshMs = 2000;
  var open = {}; // which collapsed groups the reader opened, kept across refreshes

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function age(seconds) {
    if (seconds === null || seconds === undefined) return '';
    var s = Math.floor(seconds);
    if (s < 10) return seconds.toFixed(1) + 's';
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h' + String(Math.floor(s % 3600 / 60)).padStart(2, '0') + 'm';
    return Math.floor(s / 86400) + 'd' + String(Math.floor(s % 86400 / 3600)).padStart(2, '0') + 'h';
  }

  function table(target, columns, rows, emptyText) {
    var head = el('tr');
    columns.forEach(function (c) { head.appendChild(el('th', c.num ? 'num' : '', c.title)); });
    var body = [head];
    rows.forEach(function (row) {
      var tr = el('tr');
      columns.forEach(function (c) {
        var value = c.value(row);
        var td = el('td', (c.num ? 'num ' : '') + (c.cls || '') + (c.hot && c.hot(row) ? ' hot' : ''), value);
        tr.appendChild(td);
      });
      body.push(tr);
    });
    if (rows.length === 0) {
      var tr = el('tr');
      var td = el('td', 'empty', emptyText);
      td.colSpan = columns.length;
      tr.appendChild(td);
      body.push(tr);
    }
    target.replaceChildren.apply(target, body);
  }

  function nodeBox(node, root) {
    var box = el('div', 'node' + (root ? ' root' : '') + (node.repeat ? ' repeat' : '') +
      (node.closes_cycle ? ' cycle' : ''));
    box.dataset.pid = node.pid;
    var head = el('div', 'head');
    head.appendChild(el('span', 'pid', 'pid ' + node.pid));
    head.appendChild(el('span', 'origin', node.origin));
    if (node.state) head.appendChild(el('span', 'state', node.state + ' ' + age(node.age_s)));
    if (node.xact_age_s !== null && node.xact_age_s !== undefined) {
      head.appendChild(el('span', 'xact', 'transaction ' + age(node.xact_age_s)));
    }
    if (node.blocks > 0) head.appendChild(el('span', 'blocks', 'blocks ' + node.blocks));
    if (node.repeat) head.appendChild(el('span', 'facts', 'also waits for another blocker: shown above'));
    if (node.closes_cycle) head.appendChild(el('span', 'blocks', '↺ the wait goes round: a deadlock'));
    box.appendChild(head);
    if (node.repeat || node.closes_cycle) return box;
    var facts = [];
    if (node.application && node.application !== node.origin) facts.push('app ' + node.application);
    if (node.request_id) facts.push('request ' + node.request_id);
    if (node.wait_event_type && node.state === 'active') {
      facts.push('wait ' + node.wait_event_type + ':' + node.wait_event);
    }
    if (node.waits_for) facts.push('waits for ' + node.waits_for);
    (node.holds || []).forEach(function (h) {
      if (h === 'ahead in the queue for ' + node.waits_for) facts.push('queued ahead of its waiters');
      else facts.push(h.indexOf('ahead') === 0 ? h : 'holds ' + h);
    });
    if (node.also_waits_for) facts.push('also waits for pid ' + node.also_waits_for.join(', '));
    if (facts.length) box.appendChild(el('div', 'facts', facts.join(' · ')));
    if (node.query) box.appendChild(el('div', 'query', node.query));
    return box;
  }

  function tree(node, root, parentKey) {
    var li = el('li');
    li.appendChild(nodeBox(node, root));
    var waiters = node.waiters || [];
    if (waiters.length) {
      var ul = el('ul');
      var leaves = {};
      var order = [];
      waiters.forEach(function (w) {
        if ((w.waiters && w.waiters.length) || w.repeat || w.closes_cycle) {
          order.push({node: w});
        } else {
          var key = w.origin + '\u0000' + w.waits_for;
          if (!leaves[key]) { leaves[key] = []; order.push({key: key}); }
          leaves[key].push(w);
        }
      });
      order.forEach(function (item) {
        if (item.node) { ul.appendChild(tree(item.node, false, parentKey + '/' + node.pid)); return; }
        var same = leaves[item.key];
        if (same.length < 3) { same.forEach(function (w) { ul.appendChild(tree(w, false, parentKey)); }); return; }
        var groupKey = parentKey + '/' + node.pid + '/' + item.key;
        var group = el('li');
        var details = el('details');
        details.open = !!open[groupKey];
        details.addEventListener('toggle', function () { open[groupKey] = details.open; });
        var oldest = same[0];
        details.appendChild(el('summary', 'node', same.length + ' × ' + oldest.origin + ' — ' +
          (oldest.state || '') + ' up to ' + age(oldest.age_s) + ', waiting for ' + oldest.waits_for));
        var inner = el('ul');
        same.forEach(function (w) { inner.appendChild(tree(w, false, groupKey)); });
        details.appendChild(inner);
        group.appendChild(details);
        ul.appendChild(group);
      });
      li.appendChild(ul);
    }
    return li;
  }

  function render(data) {
    refreshMs = data.refresh_ms || refreshMs;
    var status = document.getElementById('status');
    if (data.error) {
      status.textContent = 'refresh failed: ' + data.error;
      status.className = 'status error';
    } else {
      status.className = 'status';
    }
    var activity = data.activity;
    if (!activity) return;
    if (!data.error) {
      status.textContent = 'read ' + new Date(activity.taken_at).toLocaleTimeString() +
        ', every ' + Math.round(refreshMs / 100) / 10 + ' s';
    }
    document.getElementById('server').textContent =
      activity.server + ' · PostgreSQL ' + activity.server_version + ' · ' + activity.sessions + ' sessions';

    var locks = data.locks;
    var verdict = document.getElementById('verdict');
    verdict.textContent = locks.verdict;
    verdict.className = 'verdict ' + (locks.waiting > 0 ? 'blocked' : 'clear');
    var lockTarget = document.getElementById('locks');
    if (locks.roots.length === 0) {
      lockTarget.replaceChildren(el('p', 'empty', 'no session waits on a lock'));
    } else {
      var ul = el('ul', 'tree');
      locks.roots.forEach(function (root) { ul.appendChild(tree(root, true, '')); });
      lockTarget.replaceChildren(ul);
    }

    table(document.getElementById('activity'), [
      {title: 'origin', value: function (g) { return g.origin; }, cls: 'origin'},
      {title: 'application', value: function (g) { return g.application; }},
      {title: 'sessions', num: true, value: function (g) { return g.sessions; }},
      {title: 'active', num: true, value: function (g) { return g.active; }},
      {title: 'waiting on a lock', num: true, value: function (g) { return g.waiting_on_lock; },
        hot: function (g) { return g.waiting_on_lock > 0; }},
      {title: 'idle in transaction', num: true, value: function (g) { return g.idle_in_transaction; },
        hot: function (g) { return g.idle_in_transaction > 0; }},
      {title: 'oldest idle in transaction', num: true, value: function (g) { return age(g.oldest_idle_in_transaction_s); }},
      {title: 'oldest statement', num: true, value: function (g) { return age(g.oldest_statement_s); }},
      {title: 'a request ID', value: function (g) { return g.sample_request_id || ''; }, cls: 'mono'}
    ], activity.groups, 'no other session');

    document.getElementById('long-threshold').textContent =
      'running or idle in a transaction for ' + age(data.long_statement_s) + ' or more, oldest first';
    table(document.getElementById('long'), [
      {title: 'pid', num: true, value: function (s) { return s.pid; }},
      {title: 'origin', value: function (s) { return s.origin; }, cls: 'origin'},
      {title: 'application', value: function (s) { return s.application; }},
      {title: 'state', value: function (s) { return s.state; }},
      {title: 'age', num: true, value: function (s) { return age(s.age_s); }},
      {title: 'waits', value: function (s) { return s.wait_event_type ? s.wait_event_type + ':' + s.wait_event : ''; }},
      {title: 'query', value: function (s) { return s.query; }, cls: 'query'}
    ], data.long_statements, 'none');

    table(document.getElementById('applications'), [
      {title: 'application', value: function (a) { return a.application; }},
      {title: 'connections', num: true, value: function (a) { return a.connections; }},
      {title: 'active', num: true, value: function (a) { return a.active; }},
      {title: 'idle', num: true, value: function (a) { return a.idle; }},
      {title: 'idle in transaction', num: true, value: function (a) { return a.idle_in_transaction; }},
      {title: 'databases', value: function (a) { return a.databases.join(', '); }},
      {title: 'users', value: function (a) { return a.users.join(', '); }},
      {title: 'client addresses', num: true, value: function (a) { return a.client_addresses; }}
    ], data.applications, 'no client connection');

    var footer = document.getElementById('footer');
    footer.textContent = activity.hidden > 0
      ? activity.hidden + ' sessions are not visible to role ' + activity.role +
        ': their query, state and ages are hidden (grant it pg_monitor to see them)'
      : 'read-only: this page never changes anything in the database';
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes) + 1);
  }

  function refresh() {
    fetch('api/snapshot', {cache: 'no-store'})
      .then(function (response) { return response.json(); })
      .then(render)
      .catch(function (e) {
        var status = document.getElementById('status');
        status.textContent = 'the console does not answer: ' + e;
        status.className = 'status error';
      })
      .then(function () { setTimeout(refresh, refreshMs); });
  }

  refresh();
})();
