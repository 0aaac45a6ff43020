use crate::model::syntax::Nodes;
use crate::model::syntax::Tree;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC078",
        name: "proxy-buffering-off",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`proxy_buffering off`: each slow client holds an upstream connection for the whole response (opt-in)",
        aliases: &["proxy_buffering_off"],
        doc: r#"With buffering nginx reads the upstream's response as fast as the upstream
sends it and frees the upstream connection, then feeds the client at the
client's pace. With `proxy_buffering off` nginx passes each chunk on as it
arrives, so the upstream connection (and the application worker behind it)
stays busy until the slowest client has read everything. A few hundred
deliberately slow readers exhaust the application's workers: a cheap
denial of service. Turning buffering off is right for streaming responses
(server-sent events, long polling); the upstream can ask for it per response
with `X-Accel-Buffering: no` instead.

Opt-in: reported only when selected (`--select SEC078`, `--select SEC` or
`--select proxy_buffering_off`), since streaming endpoints need it.

**Symptom**: application workers all busy while CPU is idle; slow clients
keep upstream connections open.

Bad:
```nginx
location /api/ {
    proxy_pass http://app;
    proxy_buffering off;
}
```
Good:
```nginx
location /api/ {
    proxy_pass http://app;          # buffered; the app sends X-Accel-Buffering: no for streams
}
```"#,
        fix: "Keep buffering on and let streaming responses send `X-Accel-Buffering: no`, or limit `proxy_buffering off` to the streaming location.",
    },
    check: Check::Nodes(check),
};

fn check(_model: &Model<'_>, tree: &Tree<'_>, nodes: &Nodes, sink: &mut Sink) {
    for node in nodes.named(tree, "proxy_buffering").map(|i| tree.node(i)) {
        if node.arg(0).eq_ignore_ascii_case("off") {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    node.span(),
                    "proxy_buffering off: every slow client holds an upstream connection until it has read the whole response",
                )
                .with_help("keep buffering on; responses that must stream can send `X-Accel-Buffering: no`"),
            );
        }
    }
}
