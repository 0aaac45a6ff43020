//! Codes of the load-time checks (NGX010–NGX024).

use lint_source::{Family, RuleMeta, Severity};

/// NGX010: a directive no loaded module defines (typo, newer nginx, module not loaded)
pub static UNKNOWN: RuleMeta = RuleMeta {
    code: "NGX010",
    name: "unknown-directive",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a directive no loaded module defines (typo, newer nginx, module not loaded)",
    aliases: &[],
    doc: r#"nginx looks every statement up in the loaded modules; a name none defines
stops it with `unknown directive "fastcgi_read_timout"`. We say why when we can:
a near miss ("did you mean"), a directive of a newer nginx than the target, a
third-party module without its `load_module` line, or a directive removed in
an older release.

A name used on many lines of one file is reported once, at its first use, with the
other lines as related places (and one fix for all of them): `nginx -t` stops at the
first anyway. When the tree loads a module the linter does not know (a
`load_module` of naxsi, pagespeed or an in-house build), or includes a
modules-enabled/ directory that is not in the tree, a name with no near miss is
probably that module's: it is a warning that says so, not an error.

**Symptom**: `nginx -t` fails; a reload keeps the old configuration.

Bad:
```nginx
fastcgi_read_timout 300s;
```
Good:
```nginx
fastcgi_read_timeout 300s;
```

Autofix: safe — a misspelt name with exactly one known directive within two edits
is replaced by it ("did you mean"); no fix when several are as close, or the directive
needs a module or another nginx version."#,
    fix: "Fix the spelling, load the module, or target the nginx version you run (`--nginx-version`).",
};

/// NGX011: a directive used in a block where nginx does not accept it
pub static NOT_ALLOWED: RuleMeta = RuleMeta {
    code: "NGX011",
    name: "directive-not-allowed-here",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a directive used in a block where nginx does not accept it",
    aliases: &[],
    doc: r#"Each directive is allowed in some contexts only: `fastcgi_pass` in
`location` (and `if` inside one), `listen` in `server`, `upstream` in `http`.
nginx fails with `"fastcgi_pass" directive is not allowed here`.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `"..." directive is not allowed here`.

Bad:
```nginx
server {
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
server {
    location ~ \.php$ {
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }
}
```"#,
    fix: "Move the directive into a block that accepts it (the help lists them).",
};

/// NGX012: a directive with more or fewer arguments than nginx accepts
pub static ARITY: RuleMeta = RuleMeta {
    code: "NGX012",
    name: "invalid-argument-count",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a directive with more or fewer arguments than nginx accepts",
    aliases: &[],
    doc: r#"nginx checks the number of arguments before anything else:
`invalid number of arguments in "fastcgi_pass" directive`. A classic cause is
a missing `;` that glues two lines into one statement.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `invalid number of arguments in "..." directive`.

Bad:
```nginx
fastcgi_pass 127.0.0.1:9000
fastcgi_index index.php;
```
Good:
```nginx
fastcgi_pass 127.0.0.1:9000;
fastcgi_index index.php;
```"#,
    fix: "Give the directive the arguments it takes; look for a missing `;` on the line before.",
};

/// NGX013: a block directive without `{`, or a simple directive followed by a block
pub static TERMINATOR: RuleMeta = RuleMeta {
    code: "NGX013",
    name: "block-mismatch",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a block directive without `{`, or a simple directive followed by a block",
    aliases: &[],
    doc: r#"nginx rejects `server;` (`directive "server" has no opening "{"`) and
`listen 80 { }` (`directive "listen" is not terminated by ";"`).

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `directive "..." has no opening "{"` or `unexpected "{"`.

Bad:
```nginx
location /api
    proxy_pass http://app;
```
Good:
```nginx
location /api {
    proxy_pass http://app;
}
```"#,
    fix: "Open the block with `{` or end the statement with `;`.",
};

/// NGX014: a value nginx cannot parse (on/off flags, sizes, times, numbers, enumerations, listen parameters)
pub static INVALID_VALUE: RuleMeta = RuleMeta {
    code: "NGX014",
    name: "invalid-value",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a value nginx cannot parse (on/off flags, sizes, times, numbers, enumerations, listen parameters, ports, error_page codes) or refuses where it is written (proxy_pass URI in a regex location)",
    aliases: &[],
    doc: r#"Standard values follow strict grammars: flags are `on`/`off`, sizes
`16k`/`1m`, times `30s`/`1m30s` with units in decreasing order. nginx fails
with `invalid value "yes" in "sendfile" directive, it must be "on" or "off"` or
`"fastcgi_read_timeout" directive invalid value`. The format named by an
`access_log` must be a `log_format` read before it (or `combined`): `unknown
log format "main"` when it is defined later, or still commented out (checked on
whole configurations, where every `log_format` is in view). A `fastcgi_pass`
(or `scgi_pass`, `uwsgi_pass`, `grpc_pass`, `memcached_pass`) without a port must
name an `upstream` block of `http`: `fastcgi_pass php82;` with no `upstream php82`
(a typo, or the file defining it not included) is `no port in upstream "php82"`.
A host no name can be (an installer's placeholder left in: `server <PHP_SOCKET>;`
in an upstream, `proxy_pass http://<API_HOST>/;`) is `host not found in upstream
"<PHP_SOCKET>"`, whatever the network.
An address's port is a number from 1 to 65535, read before the host is looked up
(`invalid port in upstream "127.0.0.1:!APP_PORT!"`); an address with a port may not
name an `upstream` block (`fastcgi_pass php-fpm:9000;` beside `upstream php-fpm`:
`upstream "php-fpm" may not have port 9000`), and two upstreams may not share a name
(`duplicate upstream "php"`, compared case-insensitively).
`listen`, `keepalive_timeout`, `set_real_ip_from` and `resolver` read no variables: an
unrendered `listen ${NGINX_PORT};` is the host `${NGINX_PORT}` (`host not found in
"${NGINX_PORT}" of the "listen" directive`), `set_real_ip_from ${PROXY_IP};` and
`resolver ${DNS};` fail the same way; a `.template` file linted on its own is
rendered before nginx reads it and is not judged on its placeholders.
`set`, `map`, `geo` and `split_clients` may not give a value to nginx's own variables
(`set $scheme https;` behind a TLS proxy, `map ... $host`: `the duplicate "scheme"
variable`), except the few nginx marks changeable (`$args`, `$limit_rate`, the
`$ssl_*` and `$geoip_*` ones: tried one by one on nginx 1.22.1).
`proxy_pass` with a URI part (`http://127.0.0.1:8081/`, even a lone `/`) is refused in
a regex or named location and inside `if` or `limit_except`, where nginx cannot tell
which part of the request URI it replaces; `alias` is refused in a named location.
`error_page` codes are 300 to 599 (not 499; `50x` is no code), and what follows `=` is
a number. Other handlers' values: `expires` (a time in seconds, `@` a time of day under
24 hours, not with `modified`), `keepalive_timeout`, `add_header ... always` (no other
fourth word), `allow`/`deny` addresses (`1.2.3` and `/33` are invalid parameters),
`open_file_cache` (`max=` is required), `limit_req_zone`'s `rate=` (`r/s` or `r/m`),
`listen` parameters that take a value (`fastopen` alone is invalid), and an upstream
`server`'s `weight=`, `max_fails=`, `max_conns=`, `fail_timeout=`; `ip_hash`, `hash`
and `random` take no `backup` server (`balancing method does not support parameter
"backup"`). The third word of `fastcgi_param` (`scgi_param`, `uwsgi_param`) can only be
`if_not_empty`; a location modifier is `=`, `^~`, `~` or `~*` (`location ~~ /a` is
`invalid location modifier "~~"`). In a value nginx compiles, a `$` needs a name after
it (`return 200 "5$";` is `invalid variable name`) and `${` its `}` (`the closing
bracket in "host" variable is missing`); a shell default such as
`${NGINX_FASTCGI_PASS:-php}` is a warning, since images that write one render the file
at start (envplate's `ep`).
An `upstream` needs a `server` (`no servers are inside upstream`, at its closing
brace); `worker_processes` is `auto` or a number, `worker_connections` a number. A
cache or request limit must name a zone its `*_cache_path` / `limit_*_zone`
defines somewhere in `http`: `"fastcgi_cache" zone "wpcache" is unknown` (nginx
names the end of nginx.conf; the finding is put on the directive that names the
zone), `zero size shared memory zone "one"` (not judged when an include could not be
read, nor in a snippet linted on its own).
Shared memory zones have a least size: a `limit_req_zone`/`limit_conn_zone` zone,
an upstream `zone` and `ssl_session_cache shared:` need 32k (`zone "zone=one:16k" is
too small`), a cache's `keys_zone=` 8k to be read and 12k to start. A `*_cache_path`
takes only its own parameters (`levels=` of one or two characters, up to three levels;
`inactive=`, `max_size=`, `use_temp_path=on|off`, the loader's and manager's) and
needs `keys_zone=`; `resolver` takes `valid=` in seconds and `ipv6=on|off`;
`*_cache_valid` codes are `any` or 100 and up; `log_format`'s `escape=` is `default`,
`json` or `none`; `open_log_file_cache` needs `max=`. `error_log` levels are
nginx's eight in lower case (`warning` is php-fpm's word: `invalid log level
"warning"`), one of them, or `debug_*` sections before any; `gzip_comp_level` is 1 to
9; `limit_except` names known methods; `proxy_redirect default` comes after the
block's own `proxy_pass`.
In a `geo` block, networks are what `allow` takes, with `ranges` first when used, and
ranges `START-END` of IPv4 addresses that do not partly overlap (`range
"10.0.0.5-10.0.0.20" overlaps "10.0.0.1-10.0.0.9"`). A `split_clients` share is `N%`
with at most two decimals, or `*`, and the shares add up to 100% at most (`percent
total is greater than 100%`, at the closing brace).
In a snippet linted on its own (`--nginx site.conf`), an unknown log format or
upstream is a note: the file that includes the snippet may define it.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `"..." directive invalid value`, `invalid value "..."`, `unknown log format "..."`, `no port in upstream "..."`, `host not found in upstream "..."`, `upstream "..." may not have port N` or `"proxy_pass" cannot have URI part in location given by regular expression, ...`.

Bad:
```nginx
fastcgi_read_timeout 5min;
```
Good:
```nginx
fastcgi_read_timeout 5m;
```

Autofix: safe — only where one correction is obvious: a flag written `yes`, `true`,
`enabled` (→ `on`) or `no`, `false`, `disabled` (→ `off`); a time or size with a spelt-out
unit (`5min` → `5m`, `30sec` → `30s`, `16kb` → `16k`); an enumeration word one typo or a
case away from exactly one accepted word. The correction must itself be accepted."#,
    fix: "Write the value in nginx's syntax (see the message).",
};

/// NGX015: a single-valued directive set twice in the same block
pub static DUPLICATE: RuleMeta = RuleMeta {
    code: "NGX015",
    name: "duplicate-directive",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a single-valued directive set twice in the same block",
    aliases: &[],
    doc: r#"Inside one block, a single-valued directive may appear once: nginx fails
with `"fastcgi_read_timeout" directive is duplicate`. That holds for every
directive of a standard slot (flags, numbers, sizes, times, strings) and for
those with handlers of their own that refuse a second value: `root`/`alias`
(either after the other: `"alias" directive is duplicate, "root" directive was
specified earlier`), `keepalive_timeout`, `try_files`, `expires`, the `*_pass`
directives, `*_cache` and `*_cache_key`, `resolver`, `internal`, `charset`,
`auth_basic`, `user`, `worker_processes`, a second `events` or `http` block…
It often comes from an included snippet that already sets it, or from a
commented-out alternative enabled next to the line it was meant to replace.
The same directive at http and again at server level is fine (the inner one
wins), and list directives (`add_header`, `index`, `fastcgi_param`) repeat freely.
A `map` may not repeat a key (`conflicting parameter "/old-page"`: keys are compared
case-insensitively, so `/About` and `/about` collide, often in a long list of
redirects) nor its `default` (`duplicate default map parameter`); regex keys may repeat.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `"..." directive is duplicate`, `conflicting parameter "..."`.

Bad:
```nginx
location ~ \.php$ {
    include snippets/fastcgi-php.conf;   # sets fastcgi_index
    fastcgi_index index.php;
}
```
Good:
```nginx
location ~ \.php$ {
    include snippets/fastcgi-php.conf;
}
```"#,
    fix: "Remove one of the two (check the included snippets).",
};

/// NGX016: nginx.conf without an `events {}` block
pub static NO_EVENTS: RuleMeta = RuleMeta {
    code: "NGX016",
    name: "no-events-section",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "nginx.conf without an `events {}` block",
    aliases: &[],
    doc: r#"nginx refuses to start without an `events` block at the top level:
`no "events" section in configuration`.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `no "events" section in configuration`.

Bad:
```nginx
http { include sites-enabled/*; }
```
Good:
```nginx
events { worker_connections 768; }
http { include sites-enabled/*; }
```"#,
    fix: "Add `events { }` to nginx.conf.",
};

/// NGX017: two prefix (or two exact) locations with the same URI in one block
pub static DUPLICATE_LOCATION: RuleMeta = RuleMeta {
    code: "NGX017",
    name: "duplicate-location",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "two prefix (or two exact) locations with the same URI in one block",
    aliases: &[],
    doc: r#"`location /a` and `location ^~ /a` count as the same location; two of them
in one server fail with `duplicate location "/a"`. Regex and named locations
are not compared by nginx.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `duplicate location "..."`.

Bad:
```nginx
location /static/ { root /srv/a; }
location ^~ /static/ { root /srv/b; }
```
Good:
```nginx
location ^~ /static/ { root /srv/b; }
```"#,
    fix: "Merge the two blocks.",
};

/// NGX028: a location nested where nginx refuses it
pub static LOCATION_NESTING: RuleMeta = RuleMeta {
    code: "NGX028",
    name: "location-nesting",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a location nested where nginx refuses it: outside its parent's prefix, inside an exact or named location, or a named location below the server level",
    aliases: &[],
    doc: r#"nginx checks each nested location against the one around it when it loads the
configuration (`ngx_http_core_location`):
- a nested prefix location must start with its parent's path: `location /a/ {
  location /b/ { } }` fails with `location "/b/" is outside location "/a/"` (a regex
  parent has no path: any prefix location inside it is outside);
- nothing may be nested in an exact location (`location = /a`) nor in a named one
  (`location @app`);
- a named location is allowed at the server level only.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx
does not start), with one of the messages above.

Bad:
```nginx
location /admin/ {
    location /static/ { expires 30d; }
}
```
Good:
```nginx
location /admin/ {
    location /admin/static/ { expires 30d; }
}
```"#,
    fix: "Write the nested location's full path (it must start with its parent's), or move it to the server level.",
};

/// NGX018: a deprecated or obsolete directive (nginx warns and may ignore it)
pub static DEPRECATED: RuleMeta = RuleMeta {
    code: "NGX018",
    name: "deprecated-directive",
    family: Family::NginxLoad,
    severity: Severity::Warning,
    summary: "a deprecated or obsolete directive (nginx warns and may ignore it)",
    aliases: &[],
    doc: r#"nginx still accepts these but warns, e.g. `the "ssl" directive is
deprecated, use the "listen ... ssl" directive instead`; obsolete ones are
ignored altogether, so the setting you wrote has no effect.

**Symptom**: `nginx -t` prints `[warn] the "..." directive is deprecated`; an obsolete directive is ignored or refused by a newer nginx.

Bad:
```nginx
ssl on;
```
Good:
```nginx
listen 443 ssl;
```

`ssl on;` also turns TLS on for a plain `listen 80` of the same server: that listen is
pointed out, since every http:// request to it gets 400 ("The plain HTTP request was
sent to HTTPS port"). `listen ... http2` is deprecated only from nginx 1.25.1, and `http2 on;` is an unknown
directive before it: that one is reported only when the version is known (`--nginx-version`,
the image's tag, the root's packages), never on a guess (Debian bookworm runs 1.22).
Likewise, when the exact release is known, a directive retired after it is not reported:
`http2_max_field_size`, `http2_max_header_size`, `http2_idle_timeout`,
`http2_max_requests` and `http2_recv_timeout` became obsolete in 1.19.7, so on Ubuntu
22.04's 1.18 they are the live settings (the HTTP/2 push directives: 1.25.1; `ssl`:
1.15.0).

Autofix: safe — on nginx 1.25.1 and later, `http2` is dropped from the `listen` and
`http2 on;` is added to the server (once, unless it already has an `http2` directive)."#,
    fix: "Use the replacement the message names.",
};

/// NGX019: a regular expression of `location ~`, `server_name ~`, `rewrite`, `if`, `map` or `fastcgi_split_path_info` that PCRE2 cannot compile
pub static INVALID_REGEX: RuleMeta = RuleMeta {
    code: "NGX019",
    name: "invalid-regex",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a regular expression of `location ~`, `server_name ~`, `rewrite`, `if`, `map` or `fastcgi_split_path_info` that PCRE2 cannot compile",
    aliases: &[],
    doc: r#"nginx compiles regexes at load with PCRE2 and fails with `pcre2_compile()
failed: missing closing parenthesis in "..."`. We compile them with PCRE2
too (the same library, the same options: no UTF mode, caseless for `~*` and
server names), so a pattern is refused exactly when nginx refuses it, PCRE-only
syntax such as `\Q...\E`, `(?'name'...)` or possessive quantifiers included.
`fastcgi_split_path_info` needs exactly two capture groups, the script and the path
info (named groups count): `^(.+\.php)$` fails with `pattern "^(.+\.php)$" must
have 2 captures`.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `pcre2_compile() failed: ...` or `pattern "..." must have 2 captures`.

Bad:
```nginx
location ~ ^/(api|admin\.php$ { }
```
Good:
```nginx
location ~ ^/(api|admin)\.php$ { }
```"#,
    fix: "Fix the regular expression (balance parentheses and brackets, escape special characters).",
};

/// NGX020: the same address twice in a server, two default servers for an address, or socket options on two listens of it
pub static DUPLICATE_LISTEN: RuleMeta = RuleMeta {
    code: "NGX020",
    name: "duplicate-listen",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "the same address twice in a server, two default servers for an address, or socket options on two listens of it",
    aliases: &[],
    doc: r#"When nginx groups servers by address it refuses `a duplicate listen
127.0.0.1:80` (one server, one address twice), `a duplicate default server for
0.0.0.0:80` (two servers claim `default_server`) and `duplicate listen options
for 0.0.0.0:80` (socket options such as `backlog=` or `reuseport` on more than
one `listen` of an address). Each stops nginx from starting.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `a duplicate listen ...`, `a duplicate default server for ...` or `duplicate listen options for ...`.

Bad:
```nginx
server { listen 80 default_server; server_name a.example; }
server { listen 80 default_server; server_name b.example; }
```
Good:
```nginx
server { listen 80 default_server; server_name a.example; }
server { listen 80; server_name b.example; }
```"#,
    fix: "Keep one `default_server` and one set of socket options per address.",
};

/// NGX021: a `listen ... ssl` without `ssl_certificate`, or a certificate without its key
pub static SSL_WITHOUT_CERTIFICATE: RuleMeta = RuleMeta {
    code: "NGX021",
    name: "ssl-listen-without-certificate",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "the default server of a TLS (`listen ... ssl`) address has no `ssl_certificate` (its own or inherited), or a certificate lacks its `ssl_certificate_key`",
    aliases: &[],
    doc: r#"nginx refuses to start: `no "ssl_certificate" is defined for the "listen ...
ssl" directive`. It happens when a TLS server is copied without its
certificate lines, or when the certificates live in an include that this
server does not include. nginx checks the *default server* of each TLS address
only: the one marked `default_server` there, else the first that listens on it.
An address is TLS when any of its `listen` lines says `ssl`, so a default server
whose own `listen` lacks `ssl` needs a certificate too; another server of the
address without one passes `nginx -t` (TLS clients asking for it are shown the
default server's certificate). The same family: `no "ssl_certificate_key" is defined
for certificate "..."`, when a server's certificates (its own, or inherited from
http when it has none) outnumber its keys (likewise its own or http's) — a
certificate line enabled without the key line below it, or a second (ECDSA)
certificate without its key. nginx checks it in every server, TLS or not.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `no "ssl_certificate" is defined for the "listen ... ssl" directive`.

Bad:
```nginx
server { listen 443 ssl; server_name shop.example.com; }
```
Good:
```nginx
server {
    listen 443 ssl;
    server_name shop.example.com;
    ssl_certificate     /etc/ssl/shop.pem;
    ssl_certificate_key /etc/ssl/shop.key;
}
```"#,
    fix: "Give the default server of the address (or http) `ssl_certificate` and `ssl_certificate_key`.",
};

/// NGX022: fastcgi buffer sizes that contradict each other (busy buffers vs all buffers)
pub static BUFFER_RELATIONS: RuleMeta = RuleMeta {
    code: "NGX022",
    name: "fastcgi-buffer-relations",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "fastcgi (or proxy, uwsgi, scgi) buffer sizes that contradict each other (busy buffers vs all buffers)",
    aliases: &[],
    doc: r#"nginx checks the values each server and each location ends up with (what
they set, or inherit): `fastcgi_busy_buffers_size` (default: twice the
larger of `fastcgi_buffer_size` and one buffer) must be at least one buffer
and less than all `fastcgi_buffers` minus one. A value set in `http` that
every server overrides is never checked. Raising `fastcgi_buffer_size`
alone, the usual reaction to "upstream sent too big header", breaks it:
`"fastcgi_busy_buffers_size" must be less than the size of all
"fastcgi_buffers" minus one buffer`, and nginx does not start. The proxy,
uwsgi and scgi modules check their own three directives the same way:
`proxy_buffer_size 16k;` or `uwsgi_buffer_size 32k;` alone fails too.

**Symptom**: `nginx -t` fails and a reload keeps the old configuration (at boot, nginx does not start): `"fastcgi_busy_buffers_size" must be less than the size of all "fastcgi_buffers" minus one buffer`.

Bad:
```nginx
fastcgi_buffer_size 16k;        # default fastcgi_buffers 8 4k
```
Good:
```nginx
fastcgi_buffer_size 16k;
fastcgi_buffers 16 16k;
```"#,
    fix: "Raise fastcgi_buffers (proxy_buffers, ...) along with fastcgi_buffer_size (proxy_buffer_size, ...).",
};

/// NGX023: a server name too long for server_names_hash_bucket_size: nginx does not start
pub static SERVER_NAMES_HASH: RuleMeta = RuleMeta {
    code: "NGX023",
    name: "server-names-hash-too-small",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a server name too long for server_names_hash_bucket_size: nginx does not start",
    aliases: &[],
    doc: r#"For every address shared by several servers nginx puts the exact names into a
hash whose buckets are `server_names_hash_bucket_size` bytes (default: the CPU
cache line, 64 on x86_64 and arm64; always rounded up to it). A name must fit
in one bucket with its header: on 64-bit systems at most 46 characters with
the default 64, 110 with 128. One longer name, often a new customer's
subdomain or a CDN host name, and nginx stops with `could not build
server_names_hash, you should increase server_names_hash_bucket_size: 64`.
The reload fails, so the old sites keep running and the new one "does not
work". When the names fit but too many share the buckets nginx only warns
(`could not build optimal server_names_hash`), reported here as a warning.

**Symptom**: `nginx -t` fails (or warns); the new vhost never goes live.

Bad:
```nginx
server { listen 80; server_name shop.example.com; }
server { listen 80; server_name a-very-long-subdomain-for-a-campaign.example.com; }
```
Good:
```nginx
http {
    server_names_hash_bucket_size 128;
    server { listen 80; server_name shop.example.com; }
    server { listen 80; server_name a-very-long-subdomain-for-a-campaign.example.com; }
}
```"#,
    fix: "Set `server_names_hash_bucket_size 128;` (or the next power of two that fits) in http.",
};

/// NGX024: a `$name` that no module defines and nothing in the configuration sets
pub static UNKNOWN_VARIABLE: RuleMeta = RuleMeta {
    code: "NGX024",
    name: "unknown-variable",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "a `$name` that no module defines and nothing in the configuration sets",
    aliases: &[],
    doc: r#"nginx looks up every variable a directive uses when it loads the
configuration and fails with `unknown "foo" variable` when none of its modules
defines it and the configuration does not create it (`set`, `map`, `geo`,
`split_clients`, `auth_request_set`, `perl_set`, `js_set`, a named regex
capture `(?<name>...)`). Prefixed families are always known: `$http_*`,
`$arg_*`, `$cookie_*`, `$sent_http_*`, `$sent_trailer_*`, `$upstream_http_*`,
`$upstream_trailer_*`, `$upstream_cookie_*`; `$1`..`$9` are regex captures.
The message does not say where: nginx names no file or line. In a snippet
linted on its own (`--nginx site.conf`), an unknown variable is a note: the file
that includes the snippet may set it (Magento's `$MAGE_ROOT`).

The variables each nginx version defines were taken from nginx's source (the
variable tables of every module at release-1.22.1 and of the newest release).
When a third-party module is loaded the check stands aside: such modules define
variables of their own. In a template (`*.template`, `*.tmpl`, `*.tpl`: the nginx
image's envsubst step or an entrypoint renders it at start), `${UPPER_CASE}` is the
renderer's placeholder, not an nginx variable, and is not reported. A variable only a
newer nginx defines (`$http3`, 1.25.0) is an error on a version that is known, and a
note when the version is a guess (no image or package says which nginx runs). When an
include of the configuration could not be read (NGX002, NGX005), the unread file may
`set` or `map` the name: an unknown variable is then a note.

**Symptom**: `nginx -t` fails; a reload keeps the old configuration.

Bad:
```nginx
location / {
    return 200 "$remote_adr\n";
}
```
Good:
```nginx
location / {
    return 200 "$remote_addr\n";
}
```"#,
    fix: "Fix the variable's name, or define it with `set` or `map` before it is used.",
};

/// NGX025: `server ... resolve` in an upstream without a shared-memory zone or a resolver
pub static UPSTREAM_RESOLVE: RuleMeta = RuleMeta {
    code: "NGX025",
    name: "upstream-resolve-needs-zone-and-resolver",
    family: Family::NginxLoad,
    severity: Severity::Error,
    summary: "`server ... resolve` in an upstream without `zone`, or without a `resolver` in the upstream or at http level: nginx does not start",
    aliases: &[],
    doc: r#"Since 1.27.3 open-source nginx re-resolves an upstream server's name at run
time when the `server` line says `resolve` (in Docker, the service's address
after a container is recreated). The peers then live in shared memory, so the
upstream needs a `zone`, and nginx needs a DNS server to ask: a `resolver` in
the upstream block or at http level (a `resolver` in a server or location does
not count: the upstream is built from the http level). Without them nginx stops
at start with `resolving names at run time requires upstream "php" in
/etc/nginx/conf.d/site.conf:1 to be in shared memory` or `no resolver defined to
resolve names at run time in upstream "php"` (ngx_http_upstream_round_robin.c).

**Symptom**: `nginx -t` fails; the container restarts in a loop and every
request gets no answer (or the old configuration keeps running after a reload).

Bad:
```nginx
upstream php {
    server app:9000 resolve;
}
```
Good:
```nginx
resolver 127.0.0.11 valid=10s;
upstream php {
    zone php 64k;
    server app:9000 resolve;
}
```"#,
    fix: "Add `zone NAME 64k;` to the upstream and a `resolver` (Docker: 127.0.0.11) in the upstream or at http level.",
};

/// Every code of the load-time checks.
pub static RULES: &[&RuleMeta] = &[
    &UNKNOWN,
    &NOT_ALLOWED,
    &ARITY,
    &TERMINATOR,
    &INVALID_VALUE,
    &DUPLICATE,
    &NO_EVENTS,
    &DUPLICATE_LOCATION,
    &LOCATION_NESTING,
    &DEPRECATED,
    &INVALID_REGEX,
    &DUPLICATE_LISTEN,
    &SSL_WITHOUT_CERTIFICATE,
    &BUFFER_RELATIONS,
    &SERVER_NAMES_HASH,
    &UNKNOWN_VARIABLE,
    &UPSTREAM_RESOLVE,
];
