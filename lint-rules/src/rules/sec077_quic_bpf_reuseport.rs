use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC077",
        name: "quic-bpf-reuseport",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`quic_bpf on` with a `quic reuseport` listener and several workers: QUIC connections are dropped after every reload",
        aliases: &["quic_bpf_reuseport"],
        doc: r#"`quic_bpf on` installs an eBPF program that routes QUIC packets to the
worker owning the connection through the `reuseport` socket group. After a
reload the new workers' sockets join a map the old program still reads, and
packets of about half the connections reach a worker that does not know them
(nginx issue #425): they are dropped until the clients give up and fall back
to TCP. With one worker there is nothing to route.

**Symptom**: after each `nginx -s reload`, HTTP/3 connections stall and
time out for a share of clients; HTTP/2 over TCP is unaffected.

Bad:
```nginx
worker_processes auto;
quic_bpf on;
http {
    server { listen 443 quic reuseport; listen 443 ssl; }
}
```
Good:
```nginx
worker_processes auto;
http {
    server { listen 443 quic reuseport; listen 443 ssl; }
}
```

Autofix: unsafe — `quic_bpf on` becomes `off` (gixy-ng's fix): QUIC packets are then
routed by the kernel's reuseport hash, and a client whose address changes (connection
migration) may reach another worker."#,
        fix: "Remove `quic_bpf on` (or run a single worker).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        let Some(bpf) = tree.top().find(|n| n.is("quic_bpf")) else {
            continue;
        };
        if !bpf.arg(0).eq_ignore_ascii_case("on") {
            continue;
        }
        // Unset means one worker; `auto` means one per CPU.
        let Some(workers) = tree.top().find(|n| n.is("worker_processes")) else {
            continue;
        };
        if workers.arg(0) == "1" {
            continue;
        }
        let listener = tree.http_servers().into_iter().find_map(|s| {
            s.children()
                .find(|l| l.is("listen") && l.has_arg("quic") && l.has_arg("reuseport"))
        });
        let Some(listener) = listener else {
            continue;
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                bpf.span(),
                "quic_bpf with a `quic reuseport` listener and several workers drops QUIC connections after every reload",
            )
            .with_related(listener.span(), "QUIC listener with reuseport")
            .with_related(workers.span(), "several workers")
            .with_help("remove `quic_bpf on`")
            .with_fix(Fix::unsafe_edits(
                "write `quic_bpf off`",
                vec![Edit::replace(bpf.arg_span(0), "off")],
            )),
        );
    }
}
