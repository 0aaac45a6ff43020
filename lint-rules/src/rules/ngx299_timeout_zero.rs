use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::address::NginxTarget;
use crate::model::Model;
use nginx_conf_parser::check::parse_time;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX299",
        name: "timeout-zero",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a timeout of `0` meant as \"no limit\" (`fastcgi_read_timeout 0`, a TCP `fastcgi_connect_timeout 0`, `client_header_timeout 0`, `client_body_timeout 0`): nginx waits no time at all",
        aliases: &[],
        doc: r#"php-fpm's `request_terminate_timeout = 0` and PHP's `max_execution_time = 0`
mean "no limit"; nginx's timeouts do not (only a few, such as
`fastcgi_next_upstream_timeout` and `keepalive_timeout`, document 0 as "off"). A
timeout of 0 arms a timer of zero milliseconds each time nginx starts to wait: it fires
on the next turn of the event loop, before the other side has had time to do anything.
`nginx -t` accepts it. The value is written in the belief that 0 disables the timeout: a
comment `# 0 = unlimited` beside it is common in published configurations (server-sent
events, long uploads).

- `fastcgi_read_timeout 0`: nearly every PHP request ends in 504, whatever the script.
- `fastcgi_connect_timeout 0`: every TCP connection to php-fpm ends in 504 (a
  non-blocking `connect()` to a TCP address is in progress first, on loopback too).
  Connecting to a unix socket succeeds or fails at once, so the timer is never armed: not
  reported for a location that passes only to unix sockets.
- `client_header_timeout 0`: nginx closes the connection before reading the request: no
  answer at all, on every page.
- `client_body_timeout 0`: a request body that does not arrive in the first read (an
  upload over a real network) is dropped without an answer.

Live, nginx 1.22.1 + php-fpm 8.2, a script that echoes one line:
`fastcgi_read_timeout 0;` answers 504 on a unix socket and on TCP (`3600s`: 200);
`fastcgi_connect_timeout 0;` answers 504 on TCP (`5s`: 200) and 200 on a unix socket;
`client_header_timeout 0;` closes every connection without a status line (`60s`: 200);
`client_body_timeout 0;` closes a 20 kB form sent at 5 kB/s without an answer (the same
form sent at once: 200).

Reported where the zero is written, for a value in effect in a location that passes to
php-fpm (`0`, `0s`, `0ms`). `fastcgi_send_timeout 0` is the same mistake but is armed
only when a request body does not fit in the socket at once, and php-fpm reads the body
before the script runs (live: a 2 MB form over TCP, 200): it is not reported.

**Symptom**: 504 Gateway Time-out on every PHP page, at once; nginx logs `upstream
timed out (110: Connection timed out) while reading response header from upstream`
(or `while connecting to upstream`); with the client timeouts, the browser's "empty
response" / `curl: (52) Empty reply from server`.

Bad:
```nginx
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_read_timeout 0;   # meant: no limit
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_read_timeout 1h;  # long, and still bounded
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
nginx has no "no limit" for these timeouts; write the longest wait you accept."#,
        fix: "Write a real duration (`fastcgi_read_timeout 1h;`): nginx has no \"no limit\" value for it.",
    },
    check: Check::Model(check),
};

/// The timeouts read here, what nginx waits for under each, and what the client gets.
struct Timeout {
    name: &'static str,
    /// What gets no time at all.
    what: &'static str,
    /// What happens at runtime.
    runtime: &'static str,
}

const TIMEOUTS: &[Timeout] = &[
    Timeout {
        name: "fastcgi_read_timeout",
        what: "php-fpm gets no time to answer",
        runtime: "504 Gateway Time-out at once, \"upstream timed out (110: Connection timed out) while reading response header from upstream\"",
    },
    Timeout {
        name: "fastcgi_connect_timeout",
        what: "a TCP connection to php-fpm gets no time to be set up",
        runtime: "504 Gateway Time-out at once, \"upstream timed out (110: Connection timed out) while connecting to upstream\"",
    },
    Timeout {
        name: "client_header_timeout",
        what: "the client gets no time to send its request line",
        runtime: "the connection is closed without an answer (a 408 that is never sent)",
    },
    Timeout {
        name: "client_body_timeout",
        what: "a request body that does not arrive in one read is given up",
        runtime: "uploads and larger forms are closed without an answer (a 408 that is never sent)",
    },
];

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for (_, _, location) in model.fastcgi_locations() {
        for t in TIMEOUTS {
            let Some(s) = location.inherited.get(t.name) else {
                continue;
            };
            if parse_time(s.first(), true) != Some(0) {
                continue;
            }
            // A unix socket connects or fails at once: the connect timer is never armed.
            // A target chosen by a variable may be either: not reported.
            if t.name == "fastcgi_connect_timeout"
                && !model
                    .fastcgi_targets(location)
                    .iter()
                    .any(|target| matches!(target.target, NginxTarget::Tcp { .. }))
            {
                continue;
            }
            if !seen.insert(s.span) {
                continue;
            }
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    s.span,
                    format!(
                        "{} {} is a timeout of zero, not \"no limit\": {}",
                        t.name,
                        s.first(),
                        t.what
                    ),
                )
                .with_related(location.pass_span(), "requests go through fastcgi_pass")
                .with_help(format!(
                    "write the longest wait you accept, e.g. `{} 1h;`",
                    t.name
                ))
                .with_note(format!("at runtime: {}", t.runtime)),
            );
        }
    }
}
