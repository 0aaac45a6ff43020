use crate::rule::{Rule, Sink};
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
seconds" — the kernel gives up on a TCP handshake before that. A larger value
is a sign that the read timeout was meant.

**Symptom**: 504 `upstream timed out (110: Connection timed out) while
connecting to upstream` still arrives after at most 75 s, whatever the
configured value.

Bad:
```nginx
fastcgi_connect_timeout 300s;
```
Good:
```nginx
fastcgi_connect_timeout 5s;
fastcgi_read_timeout 300s;
```"#,
        fix: "Keep the connect timeout short; raise `fastcgi_read_timeout` for slow scripts.",
    },
    check,
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = foldhash::HashSet::default();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(s) = location.inherited.get("fastcgi_connect_timeout") else {
            continue;
        };
        if !seen.insert(s.span) {
            continue;
        }
        if parse_time(s.first(), true).is_some_and(|ms| ms > 75_000) {
            sink.push(
                Diagnostic::new(&RULE.meta, s.span, format!("fastcgi_connect_timeout {} is over 75s: the connection attempt fails earlier anyway", s.first()))
                    .with_help("did you mean fastcgi_read_timeout?"),
            );
        }
    }
}
