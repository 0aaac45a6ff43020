use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;
use nginx_conf_parser::check::parse_time;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X009",
        name: "fastcgi-connect-timeout-over-75s",
        family: Family::Cross,
        severity: Severity::Warning,
        summary: "`fastcgi_connect_timeout` above 75 seconds, which nginx cannot honour",
        aliases: &[],
        doc: r#"nginx's documentation: the connect timeout "usually cannot exceed 75
seconds" — the kernel gives up on a TCP handshake first: after 75 s on BSD, after
about 127 s on Linux (`net.ipv4.tcp_syn_retries = 6`: SYNs 1+2+4+8+16+32+64 s apart).
A larger value is a sign that the read timeout was meant.

**Symptom**: 504 `upstream timed out (110: Connection timed out) while
connecting to upstream` still arrives after at most 75 s (BSD) or about 127 s
(Linux), whatever the configured value.

Bad:
```nginx
fastcgi_connect_timeout 300s;
```
Good:
```nginx
fastcgi_connect_timeout 5s;
fastcgi_read_timeout 300s;
```

A location that passes only to unix sockets is not reported: connecting to one succeeds
or fails at once (a full backlog is an immediate `EAGAIN`, a 502), so the value is never
waited on; so is one whose socket path a variable picks (`unix:/run/php/php$v-fpm.sock`)."#,
        fix: "Keep the connect timeout short; raise `fastcgi_read_timeout` for slow scripts.",
    },
    check: Check::Model(check),
};

/// When Linux's `connect()` to an address that never answers fails: 127 s with the default
/// six SYN retries.
const LINUX_SYN_GIVE_UP_MS: u64 = 127_000;

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(s) = location.inherited.get("fastcgi_connect_timeout") else {
            continue;
        };
        // A unix socket connects or fails at once (a full backlog is an immediate
        // EAGAIN, 502): no handshake for the timeout to wait on (Homestead's sites).
        let targets = model.fastcgi_targets(location);
        if !targets.is_empty()
            && targets.iter().all(|t| match &t.target {
                crate::model::address::NginxTarget::Unix(_) => true,
                // `unix:/run/php/php$v-fpm.sock` (LEMPer): a socket whatever `$v` is.
                crate::model::address::NginxTarget::Variable(v) => v.starts_with("unix:"),
                _ => false,
            })
        {
            continue;
        }
        if !seen.insert(s.span) {
            continue;
        }
        let Some(ms) = parse_time(s.first(), true).filter(|ms| *ms > 75_000) else {
            continue;
        };
        // Linux gives up on an unanswered handshake after its SYN retries: 127 s with
        // the default `net.ipv4.tcp_syn_retries = 6` (1+2+4+8+16+32+64); BSD at 75 s.
        let message = if ms > LINUX_SYN_GIVE_UP_MS {
            format!("fastcgi_connect_timeout {} is over 75s: the kernel gives up on the connection attempt first (after about 127 s on Linux, 75 s on BSD)", s.first())
        } else {
            format!("fastcgi_connect_timeout {} is over the 75s nginx's documentation gives as the limit: only Linux's longer handshake (about 127 s) lets it run out, and a connect that slow is a read timeout in disguise", s.first())
        };
        sink.push(
            Diagnostic::new(&RULE.meta, s.span, message)
                .with_help("did you mean fastcgi_read_timeout?"),
        );
    }
}
