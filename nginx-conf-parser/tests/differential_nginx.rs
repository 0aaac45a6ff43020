//! Differential test against the real `nginx -t` (Debian's nginx 1.22.1).
//!
//! Corpus: every nginx fixture of the repo (rule fixtures, the example, the
//! parser fixtures) plus configurations generated from the 1.22 catalogue: for
//! each flag directive of the http core modules, a valid use, an invalid
//! value, a wrong argument count and a wrong context. Each config is run
//! through `nginx -t` (as root, in a temp prefix) and through our parser and
//! load-time checks for 1.22; accept/reject must agree, and when nginx names
//! the failing `FILE:LINE` one of our errors must point at that line.
//!
//! Skips with a reason when nginx is missing or we are not root, unless
//! CI=true, where it must run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use lint_source::{Severity, SourceMap};
use nginx_conf_parser::catalogue::{Arity, Catalogue, NginxVersion};
use nginx_conf_parser::check::{check, CheckOptions};
use nginx_conf_parser::{load, LoadOptions};

struct Case {
    name: String,
    /// Files relative to the case root; the main file is etc/nginx/nginx.conf.
    files: Vec<(PathBuf, Vec<u8>)>,
}

/// Deliberate differences, each with its reason. Empty: we agree everywhere on this corpus.
const DELIBERATE: &[(&str, &str)] = &[
    // `${NAME:-default}` is a shell default: nginx refuses it, but images that write it
    // render their files first (lagoon's envplate `ep`); reported as a warning saying so.
    (
        "script/shell-default",
        "nginx rejects a shell-style `${NAME:-x}`; we warn: a start script usually renders it",
    ),
    (
        "rules/X013/good-shell-default-placeholder",
        "the same shell-style default, in fastcgi_pass (X013 does not call it a runtime variable)",
    ),
    // nginx checks cache zones once the whole configuration is read and names the main
    // file's last line; the finding is put on the directive that names the zone.
    (
        "zone/cache-unknown",
        "both reject; nginx points at the end of nginx.conf, we at the `fastcgi_cache` that names the zone",
    ),
    // nginx has no include-cycle check and loops until a duplicate stops it; we report the cycle
    // (NGX003), so both reject, at different lines.
    (
        "rules/NGX003/bad",
        "cycle reported at the include, nginx fails later on a duplicate",
    ),
    // A post-quantum group needs OpenSSL 3.5; nginx -t fails on older OpenSSL, which is what
    // SEC073 reports. The load checks do not know the OpenSSL version nginx is linked with.
    (
        "rules/SEC073/bad",
        "OpenSSL older than 3.5 rejects X25519MLKEM768; SEC073 reports it as a warning",
    ),
    // `user nobody;` on a system without a group `nobody` (Debian, this machine): nginx
    // fails at getgrnam. The load checks read no account files; NGX026 does (the root's
    // etc/group), proved against nginx -t by tests/user_accounts_differential.rs.
    (
        "rules/NGX026/bad",
        "getgrnam(\"nobody\") fails on Debian; NGX026 reads the accounts, the load checks do not",
    ),
    // nginx -t makes `fastcgi_cache_path /var/cache/nginx/fastcgi` on this machine's /:
    // it fails at mkdir() where /var/cache/nginx is missing (a fresh Debian; a machine
    // that once ran nginx.org's package has it). NGX029 reads the root under --root and
    // has its own differential against nginx -t; the load checks do not look at the disk.
    (
        "rules/NGX029/bad",
        "mkdir() of the cache path depends on this machine's /var/cache/nginx; NGX029 reads the root under --root",
    ),
];

fn available() -> Result<(), String> {
    test_support::real_binaries(&["nginx"])
}

fn collect_tree(base: &Path, name: &str, cases: &mut Vec<Case>) {
    let mut files = Vec::new();
    for entry in walk(base) {
        if let Ok(bytes) = std::fs::read(&entry) {
            let rel = entry.strip_prefix(base).unwrap_or(&entry).to_path_buf();
            if rel.starts_with("etc/nginx") {
                files.push((rel, bytes));
            }
        }
    }
    if files
        .iter()
        .any(|(p, _)| p == Path::new("etc/nginx/nginx.conf"))
    {
        cases.push(Case {
            name: name.to_string(),
            files,
        });
    }
}

use test_support::files as walk;

const BASE: &str = "events { worker_connections 64; }\nhttp {\n    #HTTP#\n    server {\n        listen 127.0.0.1:18080;\n        #SERVER#\n        location / {\n            #LOC#\n        }\n    }\n}\n";

fn generated(cases: &mut Vec<Case>) {
    let cat = Catalogue::get(NginxVersion::V1_22);
    let mut names: Vec<&str> = cat.names().collect();
    names.sort();
    let mut add = |name: String, text: String| {
        cases.push(Case {
            name,
            files: vec![(PathBuf::from("etc/nginx/nginx.conf"), text.into_bytes())],
        });
    };
    for name in names {
        let rows = cat.lookup(name);
        let [row] = rows else { continue };
        if row.subsystem != "http" || row.value_kind != "flag" || row.third_party.is_some() {
            continue;
        }
        if !(row.build == "always" || row.build.starts_with("default")) {
            continue;
        }
        let (slot, ctx) = if row.allowed_in("location") {
            ("#LOC#", "location")
        } else if row.allowed_in("server") {
            ("#SERVER#", "server")
        } else if row.allowed_in("http") {
            ("#HTTP#", "http")
        } else {
            continue;
        };
        let put = |stmt: &str| BASE.replace(slot, stmt);
        add(
            format!("gen/{name}/valid-{ctx}"),
            put(&format!("{name} off;")),
        );
        add(
            format!("gen/{name}/invalid-value"),
            put(&format!("{name} yes;")),
        );
        add(format!("gen/{name}/arity"), put(&format!("{name};")));
        add(
            format!("gen/{name}/events"),
            BASE.replace(
                "worker_connections 64;",
                &format!("worker_connections 64; {name} on;"),
            ),
        );
        if matches!(row.arity, Arity::Flag) {
            add(
                format!("gen/{name}/block"),
                put(&format!("{name} on {{ }}")),
            );
        }
    }
    // Tokenizer edge cases.
    for (name, loc) in [
        ("tok/hash-in-word", "set $a b#c;"),
        ("tok/quote-then-x", "set $a \"1\"x;"),
        ("tok/quotes-glued", "set $a \"A\"'B';"),
        ("tok/escaped-semicolon", "set $a b\\;c;"),
        ("tok/brace-var", "set $a ${uri}x;"),
        ("tok/stray-semicolon", ";"),
        ("tok/unbalanced-close", "}"),
        ("tok/unterminated", "set $a b"),
        ("tok/empty-quoted", "set $a \"\";"),
        ("tok/if-paren", "if ($uri = \"/x\") { return 404; }"),
        ("tok/unknown", "fastcgi_read_timout 60s;"),
        ("tok/bad-time", "fastcgi_read_timeout 5min;"),
        ("tok/good-time", "fastcgi_read_timeout 1m30s;"),
        // ngx_parse_time (triage AP, FP-2): a number after the last unit is seconds; a
        // unit without digits is zero of it; a space after digits ends the value's units.
        ("time/trailing-bare-number-ok", "keepalive_timeout 1h30; client_body_timeout 1m30; expires 1d12;"),
        ("time/edges-ok", "client_body_timeout 500ms30; send_timeout 1hm; lingering_timeout h5; keepalive_timeout \"5 3\" \"5s 3\"; expires 1M;"),
        ("time/unit-without-digits", "client_body_timeout h;"),
        ("time/unit-after-space", "client_body_timeout \"30 1h\";"),
        ("time/unit-twice", "client_body_timeout 1m1m;"),
        ("time/ms-in-seconds-slot", "expires 1ms;"),
        ("time/month-in-msec-slot", "client_body_timeout 1M;"),
        ("time/msec-overflow", "client_body_timeout 9223372036854776;"),
        ("tok/bad-size", "fastcgi_buffer_size 16q;"),
        ("tok/duplicate", "fastcgi_index a.php; fastcgi_index b.php;"),
        ("tok/bad-regex", "location ~ ^/(a { }"),
        ("tok/good-regex", "location ~ ^/(a|b)$ { }"),
        ("re/pcre-quote", "location ~ ^/\\Q.well-known\\E/ { }"),
        ("re/pcre-named-quote", "location ~ \"^/(?'id'[0-9]+)$\" { }"),
        ("re/possessive", "location ~* ^/a++b { }"),
        ("re/unmatched-close", "location ~ ^/a)b { }"),
        ("re/split-path-info", "fastcgi_split_path_info ^(.+\\.php)(/.+$;"),
        ("re/split-path-info-ok", "fastcgi_split_path_info ^(.+\\.php)(/.+)$;"),
        ("re/rewrite-lookbehind", "rewrite (?<=/a)b /c;"),
        ("re/if-bad", "if ($uri ~* \"[z-a]\") { return 403; }"),
        ("tok/return-code", "return 1000;"),
        ("tok/rewrite-flag", "rewrite ^/a /b lost;"),
        ("buf/header-only", "fastcgi_buffer_size 16k;"),
        ("if/double-equals", "if ($uri == /a) { return 404; }"),
        ("if/no-parens", "if $arg_x { return 404; }"),
        ("if/file-test", "if (!-f $request_filename) { return 404; }"),
        ("if/regex", "if ($uri ~* ^/admin) { return 403; }"),
        ("if/variable", "if ($arg_debug) { return 403; }"),
        ("if/literal", "if (abc) { return 403; }"),
        ("if/extra-words", "if ($a = b c) { return 403; }"),
        ("if/empty-string", "if ($http_x_token = \"\") { return 403; }"),
        ("if/empty-string-glued", "if ($http_x_token = \"\"){ return 403; }"),
        ("if/empty-single-spaced", "if ( $http_x_token != '' ) { return 403; }"),
        ("if/empty-parens", "if () { return 403; }"),
        ("if/unknown-file-test", "if (-z $request_filename) { return 403; }"),
        ("if/file-test-two-words", "if (-f $uri $args) { return 403; }"),
        ("if/bad-regex", "if ($uri ~ \"^/(a\") { return 403; }"),
        ("if/regex-parens-word", "if ( $uri ~ ^/(a|b) ) { return 403; }"),
        ("buf/header-and-buffers", "fastcgi_buffer_size 16k; fastcgi_buffers 16 16k;"),
        ("buf/busy-too-small", "fastcgi_busy_buffers_size 2k;"),
        ("buf/busy-too-big", "fastcgi_buffers 4 4k; fastcgi_busy_buffers_size 16k;"),
        ("buf/busy-ok", "fastcgi_buffers 8 8k; fastcgi_busy_buffers_size 16k;"),
        // The same relations in proxy, uwsgi and scgi (the Debian corpus: a header buffer
        // raised alone makes the default busy size, two of it, too big for 8 pages).
        ("buf/uwsgi-header-alone", "uwsgi_buffer_size 32k;"),
        ("buf/proxy-header-alone", "proxy_buffer_size 16k;"),
        ("buf/scgi-header-alone", "scgi_buffer_size 64k;"),
        ("buf/proxy-header-and-buffers", "proxy_buffer_size 16k; proxy_buffers 8 16k;"),
        ("buf/proxy-busy-too-small", "proxy_busy_buffers_size 2k;"),
        ("buf/uwsgi-busy-ok", "uwsgi_buffers 16 8k; uwsgi_busy_buffers_size 32k;"),
        ("buf/scgi-busy-too-big", "scgi_buffers 4 4k; scgi_busy_buffers_size 16k;"),
        // Found by the real-world corpus (tests/corpus_nginx.rs): standard slots take no
        // variables, proxy_pass needs a scheme.
        ("corpus/time-variable", "fastcgi_read_timeout $arg_t;"),
        ("corpus/flag-variable", "gzip $arg_g;"),
        ("corpus/size-variable", "client_max_body_size $arg_s;"),
        ("corpus/limit-rate-variable", "limit_rate $arg_r;"),
        ("corpus/proxy-pass-no-scheme", "proxy_pass backend;"),
        ("corpus/proxy-pass-upper-scheme", "proxy_pass HTTP://127.0.0.1:9;"),
        ("corpus/proxy-pass-variable", "proxy_pass $arg_u;"),
        // Found by the Debian corpus (.ci/debian-corpus: a package's commented-out line
        // enabled next to the one it replaces): handlers of their own that refuse a second
        // occurrence in one block, and array directives that do not.
        ("dup/root-twice", "root /srv/a; root /srv/b;"),
        ("dup/root-then-alias", "root /srv/a; alias /srv/b/;"),
        ("dup/alias-then-root", "alias /srv/b/; root /srv/a;"),
        ("dup/keepalive-timeout", "keepalive_timeout 65; keepalive_timeout 0;"),
        ("dup/fastcgi-pass", "fastcgi_pass 127.0.0.1:9000; fastcgi_pass unix:/run/php/php.sock;"),
        ("dup/proxy-pass", "proxy_pass http://127.0.0.1:9; proxy_pass http://127.0.0.1:10;"),
        ("dup/try-files", "try_files $uri =404; try_files $uri /index.html;"),
        ("dup/expires", "expires 1h; expires off;"),
        ("dup/auth-basic", "auth_basic \"a\"; auth_basic off;"),
        ("dup/internal", "internal; internal;"),
        ("dup/charset", "charset utf-8; charset off;"),
        ("dup/open-file-cache", "open_file_cache off; open_file_cache max=10;"),
        ("dup/proxy-cache-key", "proxy_cache_key $uri; proxy_cache_key $uri$args;"),
        ("dup/resolver", "resolver 127.0.0.1; resolver 127.0.0.2;"),
        ("dup/aio", "aio on; aio off;"),
        ("dup/limit-except", "limit_except GET { deny all; } limit_except POST { deny all; }"),
        ("dup/disable-symlinks", "disable_symlinks off; disable_symlinks on;"),
        ("dup/proxy-store", "proxy_store on; proxy_store off;"),
        ("dup/proxy-store-access", "proxy_store_access user:rw; proxy_store_access user:rw group:r;"),
        ("dup/fastcgi-cache", "fastcgi_cache off; fastcgi_cache off;"),
        ("dup/uwsgi-cache-key", "uwsgi_cache_key $uri; uwsgi_cache_key $uri;"),
        ("dup/auth-request", "auth_request /a; auth_request off;"),
        ("dup/auth-basic-user-file", "auth_basic_user_file a.htpasswd; auth_basic_user_file b.htpasswd;"),
        ("dup/directio", "directio off; directio 4m;"),
        ("dup/open-log-file-cache", "open_log_file_cache off; open_log_file_cache off;"),
        ("dup/userid-mark", "userid_mark off; userid_mark A;"),
        ("dup/userid-expires", "userid_expires off; userid_expires 1d;"),
        ("dup/add-header-twice-ok", "add_header A 1; add_header B 2;"),
        ("dup/index-twice-ok", "index a.php; index b.html;"),
        ("dup/proxy-redirect-twice-ok", "proxy_redirect http://a/ /; proxy_redirect http://b/ /;"),
        // Triage AP's false negatives: handlers that check their words first.
        ("fn/set-without-dollar", "set foo 1;"),
        ("fn/set-dollar-only", "set $ 1;"),
        ("fn/set-empty-name", "set \"\" 1;"),
        ("fn/return-word", "return abc;"),
        ("fn/return-negative", "return -1;"),
        ("fn/return-plus", "return +5;"),
        ("fn/return-variable", "return $foo;"),
        ("fn/return-upper-scheme", "return HTTP://x;"),
        ("fn/return-empty-code", "return \"\" x;"),
        ("fn/return-url-with-text", "return https://x text;"),
        ("fn/try-files-code-word", "try_files $uri =abc;"),
        ("fn/try-files-code-empty", "try_files $uri =;"),
        ("fn/try-files-code-negative", "try_files $uri =-1;"),
        ("fn/try-files-code-1000", "try_files $uri =1000;"),
        ("fn/try-files-code-variable", "try_files $uri =$status;"),
        ("fn/try-files-code-slash", "try_files $uri =404/;"),
        ("fn/index-empty", "index \"\";"),
        ("fn/index-second-empty", "index a.php \"\";"),
        ("fn/index-ok", "index a.php /index.php;"),
        ("tok/long-socket", "fastcgi_pass unix:/run/php/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock;"),
    ] {
        add(name.to_string(), BASE.replace("#LOC#", loc));
    }
    // Main-level and block directives that refuse a second occurrence.
    for (name, text) in [
        (
            "dup/events-twice",
            "events { } events { worker_connections 64; }\nhttp { }\n",
        ),
        ("dup/http-twice", "events { }\nhttp { }\nhttp { }\n"),
        (
            "dup/worker-connections",
            "events { worker_connections 64; worker_connections 128; }\n",
        ),
        ("dup/use", "events { use epoll; use epoll; }\n"),
        (
            "dup/worker-priority",
            "worker_priority 0; worker_priority 5;\nevents { }\n",
        ),
        (
            "dup/worker-cpu-affinity",
            "worker_cpu_affinity auto; worker_cpu_affinity auto;\nevents { }\n",
        ),
        ("dup/user", "user www-data; user www-data;\nevents { }\n"),
        // The events module's own value handlers.
        (
            "val/worker-processes-word",
            "worker_processes abc;\nevents { }\n",
        ),
        (
            "val/worker-processes-auto",
            "worker_processes auto;\nevents { }\n",
        ),
        (
            "val/worker-processes-number",
            "worker_processes 4;\nevents { }\n",
        ),
        (
            "val/worker-connections-word",
            "events { worker_connections many; }\n",
        ),
        // The buffer relations are checked on each server's and location's merged values,
        // never on http's own (triage AP, FP-3); nginx names the end of http.
        (
            "buf/http-busy-overridden-in-every-server",
            "events { }\nhttp {\nproxy_busy_buffers_size 1m;\nfastcgi_busy_buffers_size 1m;\nserver { listen 127.0.0.1:18090; proxy_buffers 4 256k; proxy_busy_buffers_size 256k; fastcgi_buffers 4 256k; fastcgi_busy_buffers_size 256k; }\n}\n",
        ),
        (
            "buf/http-busy-no-server",
            "events { }\nhttp {\nfastcgi_busy_buffers_size 1m;\n}\n",
        ),
        (
            "buf/http-busy-one-server-keeps-it",
            "events { }\nhttp {\nfastcgi_busy_buffers_size 1m;\nserver { listen 127.0.0.1:18090; fastcgi_busy_buffers_size 16k; }\nserver { listen 127.0.0.1:18091;\n}\n\ngzip on;\n}\n",
        ),
        (
            "buf/server-busy-overridden-in-location",
            "events { }\nhttp {\nserver { listen 127.0.0.1:18090;\nfastcgi_busy_buffers_size 1m;\nlocation / { fastcgi_busy_buffers_size 16k; }\n}\n}\n",
        ),
        (
            "buf/location-only-ok",
            "events { }\nhttp {\nfastcgi_busy_buffers_size 1m;\nserver { listen 127.0.0.1:18090; fastcgi_busy_buffers_size 16k;\nlocation / { fastcgi_buffers 4 512k; fastcgi_busy_buffers_size 1m; }\n}\n}\n",
        ),
    ] {
        add(name.to_string(), text.to_string());
    }
    // Regex keys of a map.
    for (name, http) in [
        ("ver/max-headers-debian-backport", "max_headers 200;"),
        ("var/unknown-in-return", "server { listen 127.0.0.1:18090; location / { return 200 $remote_adr; } }"),
        ("var/unknown-braced", "server { listen 127.0.0.1:18090; location / { return 200 \"${foo}x\"; } }"),
        ("var/unknown-in-if", "server { listen 127.0.0.1:18090; if ($no_such = 1) { return 403; } }"),
        ("var/unknown-in-log-format", "log_format f '$remote_addr $bogus_var';"),
        ("var/unknown-in-fastcgi-param", "server { listen 127.0.0.1:18090; location / { fastcgi_param X $not_defined; fastcgi_pass 127.0.0.1:9000; } }"),
        ("var/unknown-in-map-source", "map $nope $m { default 0; }"),
        ("var/unknown-in-map-value", "map $uri $m { default $nope2; }"),
        ("var/1.22-lacks-request-port", "server { listen 127.0.0.1:18090; location / { return 200 $request_port; } }"),
        ("var/prefixes", "server { listen 127.0.0.1:18090; location / { return 200 \"$http_x_a $cookie_a $arg_a $sent_http_a $upstream_http_a $upstream_cookie_a $sent_trailer_a $upstream_trailer_a\"; } }"),
        ("var/case-insensitive", "server { listen 127.0.0.1:18090; location / { return 200 $REQUEST_URI$Host; } }"),
        ("var/defined-by-set-later", "server { listen 127.0.0.1:18090; location /a { return 200 $later; } location /b { set $later 1; } }"),
        ("var/defined-by-map-geo-split", "map $uri $mapped { default 1; } geo $geo_v { default 0; } geo $remote_addr $geo_w { default 0; } split_clients $request_id $split { 50% a; * b; } server { listen 127.0.0.1:18090; location / { return 200 \"$mapped $geo_v $geo_w $split\"; } }"),
        ("var/named-captures", "server { listen 127.0.0.1:18090; server_name ~^(?<sub>.+)\\.example$; location ~ ^/(?P<year>[0-9]+)/(?'slug'[a-z]+) { return 200 \"$sub $year $slug $1\"; } }"),
        ("var/auth-request-set", "server { listen 127.0.0.1:18090; location / { auth_request /auth; auth_request_set $who $upstream_http_x_user; return 200 $who; } location = /auth { return 204; } }"),
        ("var/regex-dollar-is-anchor", "server { listen 127.0.0.1:18090; location ~ \\.php$ { fastcgi_split_path_info ^(.+\\.php)(/.+)$; rewrite ^/x$ /y last; } }"),
        ("var/literal-dollar-in-server-name", "server { listen 127.0.0.1:18090; server_name $notavar.example; }"),
        ("var/limit-req-zone-key", "limit_req_zone $binary_remote_addr$bad_key zone=one:1m rate=1r/s;"),
        // A pass without a port names an upstream block, or nginx stops: "no port in
        // upstream" (names compared case-insensitively, defined before or after use).
        // Nested locations (ngx_http_core_location): a prefix inside must start with its
        // parent's path (a regex parent has none), nothing inside an exact or named
        // location, named locations at the server level only (NGX028).
        ("loc/nested-outside", "server { listen 127.0.0.1:18090; location /a/ { location /b/ { } } }"),
        ("loc/nested-shorter-than-parent", "server { listen 127.0.0.1:18090; location /a/ { location /a { } } }"),
        ("loc/prefix-in-regex", "server { listen 127.0.0.1:18090; location ~ ^/a { location /a/ { } } }"),
        ("loc/regex-in-regex-ok", "server { listen 127.0.0.1:18090; location ~ ^/a { location ~ \\.php$ { } } }"),
        ("loc/in-exact", "server { listen 127.0.0.1:18090; location = /a { location ~ x { } } }"),
        ("loc/in-named", "server { listen 127.0.0.1:18090; location @n { location /a/ { } } location / { try_files $uri @n; } }"),
        ("loc/named-nested", "server { listen 127.0.0.1:18090; location /y/ { location @app { } } }"),
        ("loc/nested-ok", "server { listen 127.0.0.1:18090; location /a/ { location /a/b/ { } location = /a/c { } location ^~ /a/d { } location ~ \\.php$ { } } }"),
        ("loc/joined-forms", "server { listen 127.0.0.1:18090; location =/a { } location ^~/b/ { location /b/c { } location =/c { } } }"),
        // Shared memory zones named but never defined (a cache; a request limit).
        ("zone/cache-unknown", "server { listen 127.0.0.1:18090; location / { fastcgi_pass 127.0.0.1:9000; fastcgi_cache mwfc; } }"),
        ("zone/cache-defined-later", "server { listen 127.0.0.1:18090; location / { fastcgi_pass 127.0.0.1:9000; fastcgi_cache mwfc; } } fastcgi_cache_path /tmp/nfl-cache keys_zone=mwfc:1m;"),
        ("zone/limit-req-unknown", "server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5; } }"),
        ("zone/limit-req-defined", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5; } }"),
        ("zone/limit-conn-unknown", "server { listen 127.0.0.1:18090; location / { limit_conn addr 10; } }"),
        // limit_req / limit_conn parameters (session 36: an unrendered `burst=30_BURST`).
        ("zone/limit-burst-placeholder", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=30_BURST nodelay; } }"),
        ("zone/limit-burst-zero", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=0; } }"),
        ("zone/limit-burst-plus", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=+5; } }"),
        ("zone/limit-delay-zero", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5 delay=0; } }"),
        ("zone/limit-nodelay-upper", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5 NODELAY; } }"),
        ("zone/limit-no-zone", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req burst=5; } }"),
        ("zone/limit-ok", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5 delay=3; } location /b { limit_req zone=one nodelay; } location /c { limit_req zone=one burst=10 nodelay; limit_conn addr 10; } }"),
        ("zone/limit-req-same-zone-twice", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; server { listen 127.0.0.1:18090; location / { limit_req zone=one burst=5; limit_req zone=one nodelay; } }"),
        ("zone/limit-req-two-zones", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_req_zone $server_name zone=two:1m rate=10r/s; server { listen 127.0.0.1:18090; limit_req zone=one; location / { limit_req zone=one burst=5; limit_req zone=two nodelay; } }"),
        ("zone/limit-conn-same-zone-twice", "limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_conn addr 10; limit_conn addr 20; } }"),
        ("zone/limit-conn-zero", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_conn addr 0; } }"),
        ("zone/limit-conn-65536", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_conn addr 65536; } }"),
        ("zone/limit-conn-word", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_conn addr x; } }"),
        ("zone/limit-conn-ok", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/s; limit_conn_zone $binary_remote_addr zone=addr:1m; server { listen 127.0.0.1:18090; location / { limit_conn addr 65535; } }"),
        // Checks of session 24 (triage J's battery): each bad form and its look-alike.
        ("pp/uri-in-regex", "server { listen 127.0.0.1:18090; location ~ \\.php$ { proxy_pass http://127.0.0.1:9000/; } }"),
        ("pp/uri-in-named", "server { listen 127.0.0.1:18090; location / { try_files $uri @app; } location @app { proxy_pass http://127.0.0.1:9000/app; } }"),
        ("pp/uri-in-if", "server { listen 127.0.0.1:18090; location / { if ($arg_a) { proxy_pass http://127.0.0.1:9000/x; } } }"),
        ("pp/uri-in-limit-except", "server { listen 127.0.0.1:18090; location / { limit_except GET { proxy_pass http://127.0.0.1:9000?x; } } }"),
        ("pp/unix-uri-in-regex", "server { listen 127.0.0.1:18090; location ~ ^/api { proxy_pass http://unix:/run/app.sock:/v1; } }"),
        ("pp/no-uri-in-regex-ok", "server { listen 127.0.0.1:18090; location ~ \\.php$ { proxy_pass http://127.0.0.1:9000; } location @app { proxy_pass http://unix:/run/app.sock; } }"),
        ("pp/uri-in-prefix-ok", "server { listen 127.0.0.1:18090; location /api/ { proxy_pass http://127.0.0.1:9000/; } location ~ ^/x { location /x/y/ { proxy_pass http://127.0.0.1:9000/z/; } } }"),
        ("pp/variable-uri-in-regex-ok", "server { listen 127.0.0.1:18090; location ~ ^/(.*)$ { proxy_pass http://127.0.0.1:9000/$1; } }"),
        ("alias/in-named", "server { listen 127.0.0.1:18090; location / { try_files $uri @a; } location @a {\n    alias /srv/a/;\n} }"),
        ("alias/in-regex-ok", "server { listen 127.0.0.1:18090; location ~ ^/d/(.*)$ { alias /srv/d/$1; } }"),
        ("split/one-capture", "server { listen 127.0.0.1:18090; location ~ \\.php { fastcgi_split_path_info ^(.+\\.php)$; } }"),
        ("split/three-captures", "server { listen 127.0.0.1:18090; location ~ \\.php { fastcgi_split_path_info ^((.+)\\.php)(/.*)$; } }"),
        ("split/two-named-ok", "server { listen 127.0.0.1:18090; location ~ \\.php { fastcgi_split_path_info ^(?<script>.+?\\.php)(?<info>/.*)$; fastcgi_split_path_info ^((?U).+\\.php)(/?.+)$; } }"),
        ("param/bad-third-word", "server { listen 127.0.0.1:18090; location / { fastcgi_param HTTPS $https if_empty; } }"),
        ("param/if-not-empty-ok", "server { listen 127.0.0.1:18090; location / { fastcgi_param HTTPS $https if_not_empty; uwsgi_param A $uri if_not_empty; } }"),
        ("errpage/code-99", "server { listen 127.0.0.1:18090; error_page 99 /x; }"),
        ("errpage/code-499", "server { listen 127.0.0.1:18090; error_page 499 /x; }"),
        ("errpage/code-word", "server { listen 127.0.0.1:18090; error_page 50x /50x.html; }"),
        ("errpage/eq-word", "server { listen 127.0.0.1:18090; error_page 404 =abc /x; }"),
        ("errpage/eq-first", "server { listen 127.0.0.1:18090; error_page =200 /x; }"),
        ("errpage/ok", "server { listen 127.0.0.1:18090; error_page 500 502 503 504 /50x.html; error_page 404 = @fallback; error_page 403 =200 /ok; location @fallback { return 204; } }"),
        ("locmod/double-tilde", "server { listen 127.0.0.1:18090; location ~~ /a { } }"),
        ("locmod/joined-ok", "server { listen 127.0.0.1:18090; location ~~/a { } location ~* \\.php$ { } }"),
        ("fn/return-ok", "server { listen 127.0.0.1:18090; location /a { return 0; } location /b { return $scheme://x; } location /c { return https://x; } location /d { return 999 x; } location /e { return 301 $scheme://x; } }"),
        ("fn/try-files-codes-ok", "server { listen 127.0.0.1:18090; location /a { try_files $uri =99; } location /b { try_files =404 $uri; } location /c { try_files $uri =0; } location /d { try_files $uri $uri/ =404; } }"),
        ("fn/set-ok", "server { listen 127.0.0.1:18090; set $foo 1; set $Bar \"\"; }"),
        ("fn/log-format-duplicate", "log_format main '$uri';\nlog_format main '$uri';"),
        ("fn/log-format-combined", "log_format combined '$uri';"),
        ("fn/log-format-case-ok", "log_format main '$uri'; log_format MAIN '$uri';"),
        ("up/duplicate", "upstream u { server 127.0.0.1:9000; }\nupstream U { server 127.0.0.1:9001; }"),
        ("up/pass-port-to-upstream", "upstream php { server 127.0.0.1:9000; } server { listen 127.0.0.1:18090; location / { fastcgi_pass php:9000; } }"),
        ("up/pass-port-before-upstream", "server { listen 127.0.0.1:18090; location / { proxy_pass http://php:8080/; } }\nupstream php { server 127.0.0.1:9000; }"),
        ("up/pass-no-port-ok", "upstream php { server 127.0.0.1:9000; } server { listen 127.0.0.1:18090; location / { fastcgi_pass php; } location /p/ { proxy_pass http://php/; } }"),
        ("port/server-word", "upstream php { server 127.0.0.1:abc; }"),
        ("port/server-placeholder", "upstream php { server !XDEBUG_HOST!:!FPM_PORT!; }"),
        ("port/pass-zero", "server { listen 127.0.0.1:18090; location / { fastcgi_pass 127.0.0.1:0; } }"),
        ("port/proxy-too-big", "server { listen 127.0.0.1:18090; location / { proxy_pass http://127.0.0.1:70000/x; } }"),
        ("port/ipv6-ok", "upstream php { server [::1]:9000; } server { listen 127.0.0.1:18090; location / { fastcgi_pass [::1]:9000; } location /p { proxy_pass http://127.0.0.1:8080/?a=b:c; } }"),
        ("val/keepalive-word", "keepalive_timeout 10x;"),
        ("val/keepalive-header-ms", "keepalive_timeout 65 10ms;"),
        ("val/keepalive-ok", "keepalive_timeout 75s 60; server { listen 127.0.0.1:18090; keepalive_timeout 0; }"),
        ("val/expires-word", "server { listen 127.0.0.1:18090; location / { expires 1 month; } }"),
        ("val/expires-bad-unit", "server { listen 127.0.0.1:18090; location / { expires 30days; } }"),
        ("val/expires-daily-modified", "server { listen 127.0.0.1:18090; location / { expires modified @15h; } }"),
        ("val/expires-daily-too-long", "server { listen 127.0.0.1:18090; location / { expires @25h; } }"),
        ("val/expires-ok", "server { listen 127.0.0.1:18090; location /a { expires 30d; } location /b { expires max; } location /c { expires -1; } location /d { expires modified +24h; } location /e { expires @15h30m; } location /f { expires epoch; } location /g { expires $arg_e; } location /h { expires off; } }"),
        ("val/add-header-sometimes", "server { listen 127.0.0.1:18090; add_header X-A b sometimes; }"),
        ("val/add-header-always-ok", "server { listen 127.0.0.1:18090; add_header X-A b always; add_trailer X-T c always; }"),
        ("val/allow-three-octets", "server { listen 127.0.0.1:18090; allow 1.2.3; deny all; }"),
        ("val/allow-mask-33", "server { listen 127.0.0.1:18090; allow 10.0.0.0/33; }"),
        ("val/deny-hostname", "server { listen 127.0.0.1:18090; deny localhost; }"),
        ("val/allow-ok", "server { listen 127.0.0.1:18090; allow 010.0.0.1; allow 10.0.0.0/8; allow ::1; allow 2001:db8::/32; allow unix:; deny all; }"),
        ("val/open-file-cache-inactive", "open_file_cache inactive=20s;"),
        ("val/open-file-cache-word", "open_file_cache max=1000 inactive=20x;"),
        ("val/open-file-cache-ok", "open_file_cache max=1000 inactive=20s; server { listen 127.0.0.1:18090; open_file_cache off; }"),
        ("val/limit-req-rate-hour", "limit_req_zone $binary_remote_addr zone=one:1m rate=1r/h;"),
        ("val/limit-req-rate-ok", "limit_req_zone $binary_remote_addr zone=one:1m rate=30r/m; limit_req_zone $binary_remote_addr zone=two:1m rate=5;"),
        ("val/listen-fastopen-bare", "server { listen 127.0.0.1:18090 fastopen; }"),
        ("val/listen-backlog-ok", "server { listen 127.0.0.1:18090 backlog=511 reuseport; }"),
        ("up/max-fails-word", "upstream u { server 127.0.0.1:9000 max_fails=x; }"),
        ("up/weight-zero", "upstream u { server 127.0.0.1:9000 weight=0; }"),
        ("up/fail-timeout-word", "upstream u { server 127.0.0.1:9000 fail_timeout=10x; }"),
        ("up/hash-backup", "upstream u {\n    hash $request_uri;\n    server 127.0.0.1:9000;\n    server 127.0.0.1:9001 backup;\n}"),
        ("up/ip-hash-backup", "upstream u { ip_hash; server 127.0.0.1:9000; server 127.0.0.1:9001 backup; }"),
        ("up/params-ok", "upstream u { least_conn; server 127.0.0.1:9000 weight=5 max_fails=3 fail_timeout=30s max_conns=100; server 127.0.0.1:9001 backup; } upstream v { ip_hash; server 127.0.0.1:9000 down; }"),
        ("map/duplicate-key", "map $uri $m {\n    /a 1;\n    /b 2;\n    /A 3;\n}"),
        ("map/duplicate-default", "map $uri $m {\n    default 0;\n    /a 1;\n    default 2;\n}"),
        ("map/escaped-duplicate", "map $uri $m { default 0; \\default 1; default_x 2; }"),
        ("placeholder/listen-host", "server { listen ${NGINX_PORT}; }"),
        ("placeholder/listen-port", "server { listen 127.0.0.1:${NGINX_PORT}; }"),
        ("placeholder/listen-at-sign", "server { listen @PORT@ default_server; }"),
        ("placeholder/real-ip-from", "server { listen 127.0.0.1:18090; set_real_ip_from ${TRUSTED_PROXY}; }"),
        ("placeholder/resolver", "resolver ${DNS_SERVER} valid=10s;"),
        ("placeholder/keepalive", "keepalive_timeout ${KEEPALIVE};"),
        ("placeholder/resolver-ok", "resolver 127.0.0.11 valid=10s ipv6=off;"),
        ("placeholder/real-ip-cidr-ok", "server { listen 127.0.0.1:18090; set_real_ip_from 10.0.0.0/8; set_real_ip_from unix:; }"),
        ("var/set-builtin-scheme", "server { listen 127.0.0.1:18090; set $scheme https; }"),
        ("var/set-builtin-host-upper", "server { listen 127.0.0.1:18090; location / { set $Host example.test; } }"),
        ("var/map-onto-builtin", "map $http_x_forwarded_host $host { default $http_host; }"),
        ("var/geo-onto-builtin", "geo $remote_addr $request_id { default x; }"),
        ("var/set-changeable-ok", "server { listen 127.0.0.1:18090; set $args a=1; set $limit_rate 10k; set $proxy_host h; set $ssl_server_name s; set $host_x y; }"),
        ("var/map-own-name-ok", "map $http_host $backend_host { default $http_host; }"),
        ("map/regex-repeat-ok", "map $uri $m { ~^/a 1; ~^/a 2; ~*^/A 3; /a 4; }"),
        ("script/dollar-at-end", "server { listen 127.0.0.1:18090; location / { return 200 \"cost: 5$\"; } }"),
        ("script/dollar-space", "server { listen 127.0.0.1:18090; location / { add_header X-A \"a $ b\"; } }"),
        ("script/shell-default", "server { listen 127.0.0.1:18090; location / { fastcgi_pass ${NGINX_FASTCGI_PASS:-php}:9000; } }"),
        ("script/unclosed-bracket", "server { listen 127.0.0.1:18090; location / { set $a \"${host\"; } }"),
        ("script/ok", "server { listen 127.0.0.1:18090; location ~ ^/(.*)$ { return 200 \"${host}x $1 $request_uri\"; } }"),
        ("re/map-bad-entry-line", "map $uri $m {\n    default 0;\n    ~^/(a 1;\n}"),
        // An upstream without a server stops nginx at its closing brace.
        ("up/no-servers", "upstream php {\n}\nserver { listen 127.0.0.1:18090; location / { fastcgi_pass php; } }"),
        ("up/zone-only", "upstream php {\n    zone php 64k;\n}\nserver { listen 127.0.0.1:18090; location / { fastcgi_pass php; } }"),
        ("pass/undefined-upstream", "upstream php { server 127.0.0.1:9000; } server { listen 127.0.0.1:18090; location / { fastcgi_pass php82; } }"),
        ("pass/ip-without-port", "server { listen 127.0.0.1:18090; location / { fastcgi_pass 127.0.0.1; } }"),
        // ngx_http_upstream_add reuses the first implicit upstream of the host whose port
        // does not differ: a pass without a port after one with a port is that upstream
        // (triage AP, FP-1); before it, it makes one without a port, which the later pass
        // reuses, and nginx names the first line.
        ("pass/no-port-reuses-earlier", "server { listen 127.0.0.1:18090;\nlocation /a/ { fastcgi_pass 127.0.0.1:9000; }\nlocation /b/ { fastcgi_pass 127.0.0.1; }\n}"),
        ("pass/no-port-before-port", "server { listen 127.0.0.1:18090;\nlocation /a/ { fastcgi_pass 127.0.0.1; }\nlocation /b/ { fastcgi_pass 127.0.0.1:9000; }\n}"),
        ("pass/no-port-reuses-proxy-default", "server { listen 127.0.0.1:18090;\nlocation /a/ { proxy_pass http://127.0.0.1/; }\nlocation /b/ { uwsgi_pass 127.0.0.1; }\n}"),
        ("pass/no-port-reuses-case-insensitive", "server { listen 127.0.0.1:18090;\nlocation /a/ { grpc_pass LOCALHOST:9000; }\nlocation /b/ { fastcgi_pass localhost; }\n}"),
        ("pass/no-port-other-host", "server { listen 127.0.0.1:18090;\nlocation /a/ { fastcgi_pass 127.0.0.1:9000; }\nlocation /b/ { fastcgi_pass 127.0.0.2; }\n}"),
        ("pass/no-port-after-two-ports", "server { listen 127.0.0.1:18090;\nlocation /a/ { fastcgi_pass 127.0.0.1:9000; }\nlocation /b/ { scgi_pass 127.0.0.1:9001; }\nlocation /c/ { fastcgi_pass 127.0.0.1; }\n}"),
        ("pass/no-port-twice", "server { listen 127.0.0.1:18090;\nlocation /a/ { fastcgi_pass php; }\nlocation /b/ { fastcgi_pass php; }\n}"),
        ("pass/ipv6-without-port", "server { listen 127.0.0.1:18090; location / { fastcgi_pass [::1]; } }"),
        ("pass/localhost-without-port", "server { listen 127.0.0.1:18090; location / { fastcgi_pass localhost; } }"),
        ("pass/uwsgi-scheme", "server { listen 127.0.0.1:18090; location / { uwsgi_pass uwsgi://app; } }"),
        ("pass/scgi", "server { listen 127.0.0.1:18090; location / { scgi_pass app; } }"),
        ("pass/memcached", "server { listen 127.0.0.1:18090; location / { memcached_pass app; } }"),
        ("pass/grpc", "server { listen 127.0.0.1:18090; location / { grpc_pass app; } }"),
        ("pass/upstream-case-insensitive-later", "server { listen 127.0.0.1:18090; location / { fastcgi_pass PHP; } } upstream php { server 127.0.0.1:9000; }"),
        ("pass/with-port-and-variable", "server { listen 127.0.0.1:18090; location / { fastcgi_pass 127.0.0.1:9000; } location /v { fastcgi_pass $arg_b; } location /u { fastcgi_pass unix:/run/php.sock; } }"),
        // A certificate needs its key; lists merge from http per server, each on its own
        // (variables: nothing is loaded at -t, so no files are needed).
        ("cert/server-without-key", "server { listen 127.0.0.1:18091; ssl_certificate /nonexistent/a.pem; }"),
        ("cert/http-without-key", "ssl_certificate /nonexistent/a.pem;"),
        ("cert/two-certs-one-key", "server { listen 127.0.0.1:18091; ssl_certificate $ssl_server_name.crt; ssl_certificate $ssl_server_name.ec.crt; ssl_certificate_key $ssl_server_name.key; }"),
        ("cert/pair-ok", "server { listen 127.0.0.1:18091 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; }"),
        ("cert/key-from-http-ok", "ssl_certificate_key $ssl_server_name.key; server { listen 127.0.0.1:18091; ssl_certificate $ssl_server_name.crt; }"),
        ("cert/cert-from-http-ok", "ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; server { listen 127.0.0.1:18091; ssl_certificate_key $ssl_server_name.other.key; }"),
        // Only each TLS address's default server needs a certificate (`ngx_http_ssl_init`),
        // and an address is TLS when any of its listens says `ssl` (triage 18b: three
        // redirect-only servers of nazarpunk/server were false errors).
        ("cert/ssl-non-default-without-ok", "server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; } server { listen 127.0.0.1:18093 ssl; server_name b; return 301 https://a$request_uri; }"),
        ("cert/ssl-first-without", "server { listen 127.0.0.1:18093 ssl; server_name b; } server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; }"),
        ("cert/ssl-marked-default-without", "server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; } server { listen 127.0.0.1:18093 ssl default_server; server_name b; }"),
        ("cert/ssl-default-plain-listen-without", "server { listen 127.0.0.1:18093; server_name b; } server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; }"),
        ("cert/ssl-later-plain-listen-ok", "server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; } server { listen 127.0.0.1:18093; server_name b; }"),
        ("cert/ssl-other-address-without", "server { listen 127.0.0.1:18093 ssl; ssl_certificate $ssl_server_name.crt; ssl_certificate_key $ssl_server_name.key; } server { listen 127.0.0.1:18094 ssl; server_name b; }"),
        // Formats are looked up when access_log is read (the Debian corpus: an access_log
        // line enabled while its log_format stays commented out).
        ("log/unknown-format", "access_log logs/a.log main;"),
        ("log/format-after-use", "access_log logs/a.log main; log_format main '$remote_addr';"),
        ("log/format-before-use-ok", "log_format main '$remote_addr'; access_log a.log MAIN buffer=32k;"),
        ("log/buffer-as-format", "access_log logs/a.log buffer=32k;"),
        ("log/combined-ok", "access_log a.log combined; access_log off;"),
        ("log/in-server-before-format", "server { listen 127.0.0.1:18092; access_log logs/b.log custom; } log_format custom '$uri';"),
        ("log/map-entry-ok", "map $uri $m { access_log 1; default 0; }"),
        ("dup/upstream-keepalive", "upstream u { server 127.0.0.1:9; keepalive 8; keepalive 16; }"),
        ("up/resolve-before-1.27.3", "upstream u { server 127.0.0.1:9000 resolve; }"),
        ("up/slow-start-is-plus", "upstream u { server 127.0.0.1:9000 slow_start=10s; }"),
        ("up/all-known-params", "upstream u { server 127.0.0.1:9000 weight=2 max_conns=3 max_fails=1 fail_timeout=5s; server 127.0.0.1:9001 backup; server 127.0.0.1:9002 down; }"),
        ("val/proxy-limit-rate-variable-1.22", "server { listen 127.0.0.1:18090; location / { proxy_limit_rate $arg_rate; proxy_pass http://127.0.0.1:9; } }"),
        ("val/flag-variable", "gzip $arg_gzip;"),
        ("val/limit-rate-variable", "server { listen 127.0.0.1:18090; location / { limit_rate $arg_rate; } }"),
        // Session 26: block entries and key=value parameters nginx -t rejects (each bad
        // form next to the forms it accepts).
        ("split/total-over-100", "split_clients \"$remote_addr\" $v {\n    60% a;\n    50% b;\n}"),
        ("split/no-percent-sign", "split_clients \"$remote_addr\" $v { 60 a; }"),
        ("split/three-decimals", "split_clients \"$remote_addr\" $v { 60.555% a; }"),
        ("split/zero", "split_clients \"$remote_addr\" $v { 0% a; }"),
        ("split/dot-only", "split_clients \"$remote_addr\" $v { .% a; }"),
        ("split/after-star", "split_clients \"$remote_addr\" $v { * a; 1% b; }"),
        ("split/ok", "split_clients \"$remote_addr\" $v { 0.5% a; 50.% b; 0.01% c; 49.49% d; * e; }"),
        ("geo/mask-33", "geo $g { default 0; 10.0.0.0/33 2; }"),
        ("geo/octet-300", "geo $g { default 0; 10.0.0.300 2; }"),
        ("geo/proxy-mask-40", "geo $g { default 0; proxy 10.0.0.0/40; }"),
        ("geo/delete-bad", "geo $g { delete 10.0.0.0/33; }"),
        ("geo/ranges-not-first", "geo $g {\n    10.0.0.1 1;\n    ranges;\n}"),
        ("geo/ranges-after-default", "geo $g { default 1; ranges; }"),
        ("geo/range-reversed", "geo $g { ranges; default 0; 10.0.0.1-10.0.0.0 2; }"),
        ("geo/range-single-address", "geo $g { ranges; 10.0.0.1 1; }"),
        ("geo/range-ipv6", "geo $g { ranges; ::1-::2 1; }"),
        ("geo/range-to-broadcast", "geo $g { ranges; 0.0.0.0-255.255.255.255 1; }"),
        ("geo/range-overlap", "geo $g {\n    ranges;\n    10.0.0.1-10.0.0.9 1;\n    10.0.0.5-10.0.0.20 2;\n}"),
        ("geo/range-overlap-across-blocks", "geo $g { ranges; 11.0.0.0-11.3.0.0 1; 11.2.255.255-11.5.0.0 2; }"),
        ("geo/ok", "geo $g { proxy_recursive; default 0; proxy 10.0.0.0/8; 1..2.3 1; 255.255.255.255 2; 10.0.0.1/8 3; ::1 4; 2001:db8::/32 5; \"192.168.0.0/16\" 6; delete 10.0.0.0/8; }"),
        ("geo/ranges-ok", "geo $g { proxy_recursive; ranges; default 0; 10.0.0.0-10.0.255.255 1; 10.0.1.0-10.0.1.255 2; 10.0.1.0-10.0.1.255 3; 10.0.0.0-10.0.0.9 4; 0.0.0.0-255.255.255.254 5; delete 10.0.0.0-10.0.0.9; }"),
        ("resolver/valid-word", "resolver 127.0.0.1 valid=abc;"),
        ("resolver/valid-ms", "resolver 127.0.0.1 valid=30ms;"),
        ("resolver/ipv6-maybe", "resolver 127.0.0.1 ipv6=maybe;"),
        ("resolver/ok", "resolver 127.0.0.1 [::1]:5353 valid=30s ipv6=off;"),
        ("zone/limit-conn-too-small", "limit_conn_zone $binary_remote_addr zone=a:31k;"),
        ("zone/limit-req-too-small", "limit_req_zone $binary_remote_addr zone=a:16k rate=1r/s;"),
        ("zone/limit-req-no-size", "limit_req_zone $binary_remote_addr zone=a rate=1r/s;"),
        ("zone/limit-req-size-word", "limit_req_zone $binary_remote_addr zone=a:abc rate=1r/s;"),
        ("zone/limit-req-no-name", "limit_req_zone $binary_remote_addr zone=:1m rate=1r/s;"),
        ("zone/limit-req-unknown-param", "limit_req_zone $binary_remote_addr zone=a:1m rate=1r/s foo=1;"),
        ("zone/limits-ok", "limit_conn_zone $binary_remote_addr zone=a:32k; limit_req_zone $binary_remote_addr rate=1r/s zone=b:1m;"),
        ("cache/keys-zone-too-small", "proxy_cache_path /tmp/nfl-cache keys_zone=z:4k;"),
        ("cache/keys-zone-no-size", "proxy_cache_path /tmp/nfl-cache keys_zone=z;"),
        ("cache/keys-zone-size-word", "proxy_cache_path /tmp/nfl-cache keys_zone=z:abc;"),
        ("cache/keys-zone-no-name", "proxy_cache_path /tmp/nfl-cache keys_zone=:1m;"),
        ("cache/no-keys-zone", "fastcgi_cache_path /tmp/nfl-cache levels=1:2;"),
        ("cache/use-temp-path-maybe", "proxy_cache_path /tmp/nfl-cache keys_zone=z:1m use_temp_path=maybe;"),
        ("cache/min-free-word", "proxy_cache_path /tmp/nfl-cache keys_zone=z:1m min_free=1x;"),
        ("cache/loader-files-word", "proxy_cache_path /tmp/nfl-cache keys_zone=z:1m loader_files=x;"),
        ("cache/loader-sleep-word", "proxy_cache_path /tmp/nfl-cache keys_zone=z:1m loader_sleep=1x;"),
        ("cache/inactive-word", "fastcgi_cache_path /tmp/nfl-cache keys_zone=z:1m inactive=5x;"),
        ("cache/max-size-word", "fastcgi_cache_path /tmp/nfl-cache keys_zone=z:1m max_size=5x;"),
        ("cache/levels-three", "fastcgi_cache_path /tmp/nfl-cache keys_zone=z:1m levels=3:3;"),
        ("cache/levels-four", "fastcgi_cache_path /tmp/nfl-cache keys_zone=z:1m levels=1:2:2:2;"),
        ("cache/levels-trailing-colon", "fastcgi_cache_path /tmp/nfl-cache keys_zone=z:1m levels=1:;"),
        ("cache/plus-only-param", "proxy_cache_path /tmp/nfl-cache keys_zone=z:1m purger=on;"),
        ("cache/keys-zone-8k", "proxy_cache_path /tmp/nfl-cache keys_zone=z:8k;"),
        ("cache/ok", "proxy_cache_path /tmp/nfl-cache keys_zone=z:12k levels=1:2 inactive=1d max_size=10g min_free=1m use_temp_path=off loader_files=10 manager_files=3 manager_sleep=50ms manager_threshold=200ms loader_threshold=1s; fastcgi_cache_path /tmp/nfl-cache2 keys_zone=y:1m levels=2:2:2; scgi_cache_path /tmp/nfl-cache3 keys_zone=x:1m levels=;"),
        ("cache/valid-time-word", "fastcgi_cache_valid 200 5x;"),
        ("cache/valid-status-99", "fastcgi_cache_valid 99 5m;"),
        ("cache/valid-status-word", "proxy_cache_valid abc 5m;"),
        ("cache/valid-ok", "fastcgi_cache_valid 200 302 10m; fastcgi_cache_valid any 1h; proxy_cache_valid 5m;"),
        ("ssl/session-cache-too-small", "ssl_session_cache shared:SSL:10k;"),
        ("ssl/session-cache-no-size", "ssl_session_cache shared:SSL;"),
        ("ssl/session-cache-builtin-word", "ssl_session_cache builtin:abc;"),
        ("ssl/session-cache-word", "ssl_session_cache foo;"),
        ("ssl/session-cache-no-name", "ssl_session_cache shared::10m;"),
        ("ssl/session-cache-builtin-colon", "ssl_session_cache builtin:;"),
        ("ssl/session-cache-ok", "ssl_session_cache builtin:1000 shared:SSL:10m; server { listen 127.0.0.1:18090; ssl_session_cache off; } server { listen 127.0.0.1:18091; ssl_session_cache none; }"),
        ("up/zone-too-small", "upstream u { zone u 16k; server 127.0.0.1:9; }"),
        ("up/zone-size-word", "upstream u { zone u abc; server 127.0.0.1:9; }"),
        ("up/zone-ok", "upstream u { zone u 64k; server 127.0.0.1:9; }"),
        ("log/escape-unknown", "log_format x escape=json '$uri'; log_format y escape=foo '$uri';"),
        ("log/escape-ok", "log_format x escape=none '$uri'; log_format y escape=default '$uri';"),
        ("log/open-cache-inactive-word", "open_log_file_cache max=10 inactive=5x;"),
        ("log/open-cache-no-max", "open_log_file_cache inactive=5s;"),
        ("log/open-cache-ok", "open_log_file_cache max=1000 inactive=20s valid=1m min_uses=2; server { listen 127.0.0.1:18090; open_log_file_cache off; }"),
        // Session 26, triage T: error_log levels, gzip_comp_level bounds, cache status
        // codes up to 599, proxy_redirect default before proxy_pass, limit_except
        // methods, variables of expires.
        ("log/level-warning", "error_log /tmp/nfl-e.log warning;"),
        ("log/level-upper-case", "error_log stderr WARN;"),
        ("log/level-twice", "error_log /tmp/nfl-e.log info notice;"),
        ("log/debug-section-after-level", "error_log /tmp/nfl-e.log info debug_http;"),
        ("log/levels-ok", "error_log /tmp/nfl-e.log debug; server { listen 127.0.0.1:18090; error_log stderr debug_http debug_core; } server { listen 127.0.0.1:18091; error_log syslog:server=127.0.0.1 warn; }"),
        ("val/gzip-comp-level-10", "gzip_comp_level 10;"),
        ("val/gzip-comp-level-0", "gzip_comp_level 0;"),
        ("val/gzip-comp-level-ok", "gzip_comp_level 9; server { listen 127.0.0.1:18090; gzip_comp_level 1; }"),
        ("cache/valid-status-600", "fastcgi_cache_valid 600 1m;"),
        ("cache/valid-edges-ok", "fastcgi_cache_valid 100 599 1m;"),
        ("pp/redirect-default-first", "server { listen 127.0.0.1:18090; location / { proxy_redirect default; proxy_pass http://127.0.0.1:9; } }"),
        ("pp/redirect-default-at-http", "proxy_redirect default;"),
        ("pp/redirect-default-in-nested", "server { listen 127.0.0.1:18090; location / { proxy_pass http://127.0.0.1:9; location /a { proxy_redirect default; } } }"),
        ("pp/redirect-default-ok", "server { listen 127.0.0.1:18090; location / { proxy_pass http://127.0.0.1:9; proxy_redirect default; } location /b { proxy_redirect off; } }"),
        ("limit-except/unknown-method", "server { listen 127.0.0.1:18090; location / { limit_except FOO { deny all; } } }"),
        ("limit-except/ok", "server { listen 127.0.0.1:18090; location / { limit_except get post PATCH PROPFIND { deny all; } } }"),
        ("script/expires-unknown-variable", "server { listen 127.0.0.1:18090; location / { expires $undefined_x; } }"),
        ("script/expires-modified-unknown-variable", "server { listen 127.0.0.1:18090; location / { expires modified $undefined_y; } }"),
        ("script/expires-variable-ok", "map $uri $exp { default 1d; } server { listen 127.0.0.1:18090; location / { expires $exp; } location /a { expires $arg_x; } }"),
        ("geo/three-words", "geo $g { default 0; 10.0.0.0/8 1 2; }"),
        ("geo/one-word", "geo $g { default 0; 10.0.0.0/8; }"),
        ("geo/keywords", "geo $g { ranges; default 0; 10.0.0.1-10.0.0.9 1; }"),
        ("geo/no-args", "geo { default 0; }"),
        ("geo/three-args", "geo $a $b $c { default 0; }"),
        ("map/three-words", "map $uri $m { default 0; /a 1 2; }"),
        ("map/keywords", "map $http_host $m { hostnames; volatile; default 0; .example.com 1; }"),
        ("re/map-bad", "map $uri $m { ~^/(a 1; default 0; }"),
        (
            "re/map-caseless-ok",
            "map $uri $m { ~*^/\\Qa.b\\E 1; default 0; }",
        ),
    ] {
        add(name.to_string(), BASE.replace("#HTTP#", http));
    }
    // The server_names hash (NGX023): name length against the bucket size, on shared
    // and unshared addresses, with the bucket rounded up to the cache line.
    let long47 = format!("{}.example.test", "a".repeat(34));
    let long46 = format!("{}.example.test", "a".repeat(33));
    let label47 = format!("*.{}.test", "b".repeat(47));
    let many: Vec<String> = (0..600).map(|i| format!("site{i}.example.test")).collect();
    for (name, http) in [
        ("corpus/upstream-resolve", "upstream u { server 127.0.0.1:9000 resolve; }".to_string()),
        ("corpus/upstream-service", "upstream u { server 127.0.0.1:9000 service=http; }".to_string()),
        ("corpus/upstream-params", "upstream u { server 127.0.0.1:9000 weight=2 max_conns=10 max_fails=3 fail_timeout=5s; server 127.0.0.1:9001 backup; server 127.0.0.1:9002 down; }".to_string()),
        ("hash/47-shared", format!("server {{ listen 127.0.0.1:18080; server_name {long47}; }}")),
        ("hash/46-shared", format!("server {{ listen 127.0.0.1:18080; server_name {long46}; }}")),
        ("hash/47-alone", format!("server {{ listen 127.0.0.1:18085; server_name {long47}; }}")),
        ("hash/47-bucket-128", format!("server_names_hash_bucket_size 128; server {{ listen 127.0.0.1:18080; server_name {long47}; }}")),
        ("hash/47-bucket-33", format!("server_names_hash_bucket_size 33; server {{ listen 127.0.0.1:18080; server_name {long47}; }}")),
        ("hash/47-bucket-65", format!("server_names_hash_bucket_size 65; server {{ listen 127.0.0.1:18080; server_name {long47}; }}")),
        ("hash/47-dot", format!("server {{ listen 127.0.0.1:18080; server_name .{long47}; }}")),
        ("hash/47-label-wildcard", format!("server {{ listen 127.0.0.1:18080; server_name {label47}; }}")),
        ("hash/47-regex", format!("server {{ listen 127.0.0.1:18080; server_name ~^{long47}$; }}")),
        ("hash/many-names-small-table", format!("server_names_hash_max_size 16; server {{ listen 127.0.0.1:18080; server_name {}; }}", many.join(" "))),
    ] {
        add(name.to_string(), BASE.replace("#HTTP#", &http));
    }
    // The address grouping checks.
    for (name, servers) in [
        (
            "listen/duplicate-in-server",
            "server { listen 127.0.0.1:18081; listen 127.0.0.1:18081; }",
        ),
        (
            "listen/duplicate-default",
            "server { listen 127.0.0.1:18080 default_server; }",
        ),
        (
            "listen/one-default",
            "server { listen 127.0.0.1:18082 default_server; }",
        ),
        (
            "listen/duplicate-options",
            "server { listen 127.0.0.1:18080 backlog=10; }",
        ),
        ("listen/port-too-big", "server { listen 127.0.0.1:99999; }"),
        ("listen/port-zero", "server { listen 0; }"),
        ("listen/port-word", "server { listen *:abc; }"),
        ("listen/port-empty", "server { listen 127.0.0.1:; }"),
        (
            "listen/range-reversed",
            "server { listen 127.0.0.1:18100-18090; }",
        ),
        (
            "listen/range-ok",
            "server { listen 127.0.0.1:18100-18102; }",
        ),
        ("listen/ipv6-port-too-big", "server { listen [::1]:70000; }"),
        (
            "listen/quic-on-1.22",
            "server { listen 127.0.0.1:18087 quic; }",
        ),
        (
            "listen/http2-shared-plain",
            "server { listen 127.0.0.1:18080 http2; server_name h2.test; }",
        ),
        (
            "listen/proxy-protocol-shared",
            "server { listen 127.0.0.1:18080 proxy_protocol; server_name pp.test; }",
        ),
        (
            "listen/port-and-star",
            "server { listen 18083; listen *:18084; listen [::1]:18083; }",
        ),
    ] {
        let base = if name.ends_with("options") {
            BASE.replace(
                "listen 127.0.0.1:18080;",
                "listen 127.0.0.1:18080 reuseport;",
            )
        } else if name.ends_with("duplicate-default") {
            BASE.replace(
                "listen 127.0.0.1:18080;",
                "listen 127.0.0.1:18080 default_server;",
            )
        } else {
            BASE.to_string()
        };
        add(name.to_string(), base.replace("#HTTP#", servers));
    }
}

fn nginx_verdict(dir: &Path) -> (bool, Option<(PathBuf, u32)>, String) {
    let conf = dir.join("etc/nginx/nginx.conf");
    let out = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .arg("-g")
        .arg(format!("error_log {}/error.log;", dir.display()))
        .output()
        .expect("nginx runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let location = stderr
        .lines()
        .find(|l| l.contains("[emerg]"))
        .and_then(|l| {
            let (_, rest) = l.rsplit_once(" in ")?;
            let (file, line) = rest.rsplit_once(':')?;
            Some((PathBuf::from(file), line.trim().parse().ok()?))
        });
    (out.status.success(), location, stderr)
}

fn our_verdict(dir: &Path) -> (bool, Vec<(PathBuf, u32, String)>) {
    let map = SourceMap::new();
    let config = load(
        &dir.join("etc/nginx/nginx.conf"),
        &LoadOptions::default(),
        &map,
    );
    let mut diags = config.diagnostics.clone();
    diags.extend(check(
        &config,
        &CheckOptions {
            version: NginxVersion::V1_22,
            ..Default::default()
        },
        &map,
    ));
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| {
            let p = d.primary.as_ref()?;
            // nginx reports the line of the terminating `;` or `{` (the end of the statement),
            // and merge-time errors at the end of http (a related label of ours).
            let spans = std::iter::once(p.span).chain(d.related.iter().map(|r| r.span));
            Some(
                spans
                    .flat_map(|s| {
                        let f = map.get(s.file);
                        [
                            (f.path.clone(), f.line_col(s.start).line, d.message.clone()),
                            (f.path.clone(), f.line_col(s.end).line, d.message.clone()),
                        ]
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .collect();
    (errors.is_empty(), errors)
}

#[test]
fn nginx_t_and_we_agree() {
    if let Err(reason) = available() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("differential test must run in CI: {reason}");
        }
        eprintln!("skipping the nginx differential test: {reason}");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut cases = Vec::new();
    for (code, dir) in walk_dirs(&repo.join("fixtures/rules")) {
        for kind in ["bad", "good"] {
            collect_tree(&dir.join(kind), &format!("rules/{code}/{kind}"), &mut cases);
        }
    }
    collect_tree(&repo.join("fixtures/example"), "example", &mut cases);
    generated(&mut cases);
    let tmp = tempfile::tempdir().expect("tmp");
    let agree = AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let dir = tmp.path().join(format!("case{i}"));
                let prefix = format!("{}/", dir.display());
                for (rel, bytes) in &case.files {
                    let path = dir.join(rel);
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    // Absolute /etc/nginx paths of the tree point into the copy.
                    let text = String::from_utf8_lossy(bytes)
                        .replace("/etc/nginx/", &format!("{prefix}etc/nginx/"));
                    std::fs::write(&path, text).expect("write");
                }
                let (ok_real, location, stderr) = nginx_verdict(&dir);
                let (ok_ours, errors) = our_verdict(&dir);
                let deliberate = DELIBERATE.iter().any(|(n, _)| *n == case.name);
                let mut problem = None;
                if ok_real != ok_ours {
                    problem = Some(format!(
                        "{}: nginx {} / we {}\n{stderr}{errors:?}",
                        case.name,
                        verdict(ok_real),
                        verdict(ok_ours)
                    ));
                } else if let (false, Some((file, line))) = (ok_real, &location) {
                    if !errors.iter().any(|(f, l, _)| f == file && l == line) && !deliberate {
                        problem = Some(format!(
                            "{}: nginx fails at {}:{line}, we at {errors:?}\n{stderr}",
                            case.name,
                            file.display()
                        ));
                    }
                }
                match problem {
                    Some(p) if !deliberate => failures.lock().expect("lock").push(p),
                    _ => {
                        agree.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    println!(
        "differential nginx: {}/{} configs agree with nginx -t ({} deliberate differences)",
        agree.load(Ordering::SeqCst),
        cases.len(),
        DELIBERATE.len()
    );
    assert!(cases.len() >= 300, "corpus too small: {}", cases.len());
    assert!(
        failures.is_empty(),
        "{} disagreement(s):\n{}",
        failures.len(),
        failures.join("\n---\n")
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "accepts"
    } else {
        "rejects"
    }
}

fn walk_dirs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map(|e| {
            e.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
