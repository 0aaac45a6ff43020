use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X015",
        name: "small-listen-backlog",
        family: Family::Cross,
        severity: Severity::Note,
        summary: "a pool with few workers and a tiny `listen.backlog`: bursts overflow the queue",
        aliases: &[],
        doc: r#"When every worker is busy, new connections wait in the socket's backlog.
A backlog set far below the number of requests nginx can send at once
(`worker_connections`) overflows under a burst: on a unix socket connect fails
at once, on TCP it hangs.

**Symptom**: under load, 502 with `connect() to unix:/run/php/x.sock failed (11:
Resource temporarily unavailable)`, or 504 `upstream timed out (110) while
connecting to upstream` on TCP; php-fpm logs `server reached pm.max_children`.

Bad:
```ini
pm.max_children = 4
listen.backlog = 8
```
Good:
```ini
pm.max_children = 20
; listen.backlog left at the default (-1: the kernel's somaxconn)
```

Autofix: safe — the `listen.backlog` line is removed, so php-fpm's default (-1:
the kernel's `somaxconn`) applies."#,
        fix: "Remove listen.backlog (php-fpm 8.2 then uses the kernel maximum) or raise it with pm.max_children.",
    },
    check: Check::Model(check),
};

/// Deletes the whole line of a php-fpm entry, its newline included.
fn remove_line(model: &Model<'_>, entry: &fpm_conf_parser::Entry) -> Edit {
    let file = model.map.get(entry.key_span.file);
    let text = file.text();
    let start = lint_source::edits::line_start(&text, entry.key_span.start as usize);
    let end = lint_source::edits::line_end(&text, entry.value_span.end as usize);
    let end = (end + 1).min(text.len());
    Edit::delete(lint_source::Span::new(entry.key_span.file, start, end))
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let demand = model
        .nginx
        .iter()
        .filter_map(|n| n.worker_connections.map(|(w, _)| w))
        .max()
        .unwrap_or(512);
    for p in model.pools() {
        let Some((backlog, entry)) = p.pool.int("listen.backlog") else {
            continue;
        };
        let children = p.pool.int("pm.max_children").map_or(0, |(c, _)| c);
        if backlog > 0
            && (backlog as u64) < 64
            && (backlog.saturating_add(children) as u64) < demand
        {
            sink.push(
                Diagnostic::new(&RULE.meta, entry.value_span, format!("pool [{}] queues at most {backlog} connections beyond its {children} workers, while nginx may open {demand}", p.pool.name))
                    .with_help("remove listen.backlog (the default -1 means the kernel's somaxconn) or raise it")
                    .with_note("at runtime under load: 502 \"(11: Resource temporarily unavailable)\" on unix sockets, 504 on TCP")
                    .with_fix(Fix::safe("remove listen.backlog (the kernel's somaxconn applies)", vec![remove_line(model, entry)])),
            );
        }
    }
}
