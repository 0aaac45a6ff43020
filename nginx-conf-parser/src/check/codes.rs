//! Codes of the load-time checks (NGX010–NGX024).

use lint_source::{Family, RuleMeta, Severity};

macro_rules! load_rule {
    ($ident:ident, $code:literal, $name:literal, $severity:expr, $summary:literal, $doc:literal, $fix:literal) => {
        #[doc = $summary]
        pub static $ident: RuleMeta = RuleMeta {
            code: $code,
            name: $name,
            family: Family::NginxLoad,
            severity: $severity,
            summary: $summary,
            doc: $doc,
            fix: $fix,
        };
    };
}

load_rule!(
    UNKNOWN,
    "NGX010",
    "unknown-directive",
    Severity::Error,
    "a directive no loaded module defines (typo, newer nginx, module not loaded)",
    r#"nginx looks every statement up in the loaded modules; a name none defines
stops it with `unknown directive "fastcgi_read_timout"`. We say why when we can:
a near miss ("did you mean"), a directive of a newer nginx than the target, a
third-party module without its `load_module` line, or a directive removed in
an older release.

**Symptom**: `nginx -t` fails; a reload keeps the old configuration.

Bad:
```nginx
fastcgi_read_timout 300s;
```
Good:
```nginx
fastcgi_read_timeout 300s;
```"#,
    "Fix the spelling, load the module, or target the nginx version you run (`--nginx-version`)."
);

load_rule!(
    NOT_ALLOWED,
    "NGX011",
    "directive-not-allowed-here",
    Severity::Error,
    "a directive used in a block where nginx does not accept it",
    r#"Each directive is allowed in some contexts only: `fastcgi_pass` in
`location` (and `if` inside one), `listen` in `server`, `upstream` in `http`.
nginx fails with `"fastcgi_pass" directive is not allowed here`.

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
    "Move the directive into a block that accepts it (the help lists them)."
);

load_rule!(
    ARITY,
    "NGX012",
    "invalid-argument-count",
    Severity::Error,
    "a directive with more or fewer arguments than nginx accepts",
    r#"nginx checks the number of arguments before anything else:
`invalid number of arguments in "fastcgi_pass" directive`. A classic cause is
a missing `;` that glues two lines into one statement.

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
    "Give the directive the arguments it takes; look for a missing `;` on the line before."
);

load_rule!(
    TERMINATOR,
    "NGX013",
    "block-mismatch",
    Severity::Error,
    "a block directive without `{`, or a simple directive followed by a block",
    r#"nginx rejects `server;` (`directive "server" has no opening "{"`) and
`listen 80 { }` (`directive "listen" is not terminated by ";"`).

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
    "Open the block with `{` or end the statement with `;`."
);

load_rule!(INVALID_VALUE, "NGX014", "invalid-value", Severity::Error,
    "a value nginx cannot parse (on/off flags, sizes, times, numbers, enumerations, listen parameters)",
    r#"Standard values follow strict grammars: flags are `on`/`off`, sizes
`16k`/`1m`, times `30s`/`1m30s` with units in decreasing order. nginx fails
with `invalid value "yes" in "sendfile" directive, it must be "on" or "off"` or
`"fastcgi_read_timeout" directive invalid value`.

Bad:
```nginx
fastcgi_read_timeout 5min;
```
Good:
```nginx
fastcgi_read_timeout 5m;
```"#,
    "Write the value in nginx's syntax (see the message).");

load_rule!(
    DUPLICATE,
    "NGX015",
    "duplicate-directive",
    Severity::Error,
    "a single-valued directive set twice in the same block",
    r#"Inside one block, a directive of a standard slot may appear once:
nginx fails with `"fastcgi_read_timeout" directive is duplicate`. It often
comes from an included snippet that already sets it. The same directive at
http and again at server level is fine (the inner one wins).

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
    "Remove one of the two (check the included snippets)."
);

load_rule!(
    NO_EVENTS,
    "NGX016",
    "no-events-section",
    Severity::Error,
    "nginx.conf without an `events {}` block",
    r#"nginx refuses to start without an `events` block at the top level:
`no "events" section in configuration`.

Bad:
```nginx
http { include sites-enabled/*; }
```
Good:
```nginx
events { worker_connections 768; }
http { include sites-enabled/*; }
```"#,
    "Add `events { }` to nginx.conf."
);

load_rule!(
    DUPLICATE_LOCATION,
    "NGX017",
    "duplicate-location",
    Severity::Error,
    "two prefix (or two exact) locations with the same URI in one block",
    r#"`location /a` and `location ^~ /a` count as the same location; two of them
in one server fail with `duplicate location "/a"`. Regex and named locations
are not compared by nginx.

Bad:
```nginx
location /static/ { root /srv/a; }
location ^~ /static/ { root /srv/b; }
```
Good:
```nginx
location ^~ /static/ { root /srv/b; }
```"#,
    "Merge the two blocks."
);

load_rule!(
    DEPRECATED,
    "NGX018",
    "deprecated-directive",
    Severity::Warning,
    "a deprecated or obsolete directive (nginx warns and may ignore it)",
    r#"nginx still accepts these but warns, e.g. `the "ssl" directive is
deprecated, use the "listen ... ssl" directive instead`; obsolete ones are
ignored altogether, so the setting you wrote has no effect.

Bad:
```nginx
ssl on;
```
Good:
```nginx
listen 443 ssl;
```"#,
    "Use the replacement the message names."
);

load_rule!(
    INVALID_REGEX,
    "NGX019",
    "invalid-regex",
    Severity::Error,
    "a regular expression of `location ~`, `server_name ~`, `rewrite`, `if`, `map` or `fastcgi_split_path_info` that PCRE2 cannot compile",
    r#"nginx compiles regexes at load with PCRE2 and fails with `pcre2_compile()
failed: missing closing parenthesis in "..."`. We compile them with PCRE2
too (the same library, the same options: no UTF mode, caseless for `~*` and
server names), so a pattern is refused exactly when nginx refuses it, PCRE-only
syntax such as `\Q...\E`, `(?'name'...)` or possessive quantifiers included.

Bad:
```nginx
location ~ ^/(api|admin\.php$ { }
```
Good:
```nginx
location ~ ^/(api|admin)\.php$ { }
```"#,
    "Fix the regular expression (balance parentheses and brackets, escape special characters)."
);

load_rule!(DUPLICATE_LISTEN, "NGX020", "duplicate-listen", Severity::Error,
    "the same address twice in a server, two default servers for an address, or socket options on two listens of it",
    r#"When nginx groups servers by address it refuses `a duplicate listen
127.0.0.1:80` (one server, one address twice), `a duplicate default server for
0.0.0.0:80` (two servers claim `default_server`) and `duplicate listen options
for 0.0.0.0:80` (socket options such as `backlog=` or `reuseport` on more than
one `listen` of an address). Each stops nginx from starting.

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
    "Keep one `default_server` and one set of socket options per address.");

load_rule!(
    SSL_WITHOUT_CERTIFICATE,
    "NGX021",
    "ssl-listen-without-certificate",
    Severity::Error,
    "a `listen ... ssl` in a server that has no `ssl_certificate` (its own or inherited)",
    r#"nginx refuses to start: `no "ssl_certificate" is defined for the "listen ...
ssl" directive`. It happens when a TLS server is copied without its
certificate lines, or when the certificates live in an include that this
server does not include.

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
    "Give the server (or http) `ssl_certificate` and `ssl_certificate_key`."
);

load_rule!(
    BUFFER_RELATIONS,
    "NGX022",
    "fastcgi-buffer-relations",
    Severity::Error,
    "fastcgi buffer sizes that contradict each other (busy buffers vs all buffers)",
    r#"nginx checks at every level: `fastcgi_busy_buffers_size` (default: twice the
larger of `fastcgi_buffer_size` and one buffer) must be at least one buffer
and less than all `fastcgi_buffers` minus one. Raising `fastcgi_buffer_size`
alone, the usual reaction to "upstream sent too big header", breaks it:
`"fastcgi_busy_buffers_size" must be less than the size of all
"fastcgi_buffers" minus one buffer`, and nginx does not start.

Bad:
```nginx
fastcgi_buffer_size 16k;        # default fastcgi_buffers 8 4k
```
Good:
```nginx
fastcgi_buffer_size 16k;
fastcgi_buffers 16 16k;
```"#,
    "Raise fastcgi_buffers along with fastcgi_buffer_size."
);

load_rule!(
    SERVER_NAMES_HASH,
    "NGX023",
    "server-names-hash-too-small",
    Severity::Error,
    "a server name too long for server_names_hash_bucket_size: nginx does not start",
    r#"For every address shared by several servers nginx puts the exact names into a
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
    "Set `server_names_hash_bucket_size 128;` (or the next power of two that fits) in http."
);

load_rule!(
    UNKNOWN_VARIABLE,
    "NGX024",
    "unknown-variable",
    Severity::Error,
    "a `$name` that no module defines and nothing in the configuration sets",
    r#"nginx looks up every variable a directive uses when it loads the
configuration and fails with `unknown "foo" variable` when none of its modules
defines it and the configuration does not create it (`set`, `map`, `geo`,
`split_clients`, `auth_request_set`, `perl_set`, `js_set`, a named regex
capture `(?<name>...)`). Prefixed families are always known: `$http_*`,
`$arg_*`, `$cookie_*`, `$sent_http_*`, `$sent_trailer_*`, `$upstream_http_*`,
`$upstream_trailer_*`, `$upstream_cookie_*`; `$1`..`$9` are regex captures.
The message does not say where: nginx names no file or line.

The variables each nginx version defines were taken from nginx's source (the
variable tables of every module at release-1.22.1 and of the newest release).
When a third-party module is loaded the check stands aside: such modules define
variables of their own.

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
    "Fix the variable's name, or define it with `set` or `map` before it is used."
);

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
    &DEPRECATED,
    &INVALID_REGEX,
    &DUPLICATE_LISTEN,
    &SSL_WITHOUT_CERTIFICATE,
    &BUFFER_RELATIONS,
    &SERVER_NAMES_HASH,
    &UNKNOWN_VARIABLE,
];
