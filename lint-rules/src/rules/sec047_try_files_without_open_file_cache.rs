use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, Fix, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC047",
        name: "try-files-without-open-file-cache",
        family: Family::Security,
        severity: Severity::Note,
        summary: "`try_files` without `open_file_cache`: extra stat() calls on every request (opt-in)",
        aliases: &["try_files_is_evil_too"],
        doc: r#"`try_files $uri $uri/ /index.php` makes nginx look up each candidate on
disk (an `open()`/`stat()` per entry) for every request. A single candidate
before the fallback (`try_files $uri =404`) costs no more than serving the
file and is not reported. Without
`open_file_cache` these lookups are repeated for every request, which costs
the most exactly when requests are cheapest to send: a flood of requests for
missing files keeps the disk and the workers busy.

Opt-in: reported only when selected (`--select SEC047`, `--select SEC` or
`--select try_files_is_evil_too`), since it would add a note to most PHP sites.

**Symptom**: higher latency and system CPU under load; an attacker sending
requests for non-existent paths multiplies file-system lookups.

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php?$args;
}
```
Good:
```nginx
open_file_cache max=10000 inactive=30s;
location / {
    try_files $uri $uri/ /index.php?$args;
}
```

Autofix: unsafe — `open_file_cache max=10000 inactive=30s;` is added as the first
statement of the server that holds the `try_files` (gixy-ng adds one beside the
`try_files`; at server level it serves every location). Cached lookups are up to
`open_file_cache_valid` (60 s) old: a file deployed or deleted meanwhile may be answered
as it was. Not offered where `open_file_cache off` is written: that was a choice."#,
        fix: "Set `open_file_cache max=N inactive=T;` at http or server level where `try_files` is used.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for tree in model.syntax {
        for i in tree.named("try_files").collect::<Vec<_>>() {
            // One candidate then a fallback (`$uri =404`) is the open() serving the file
            // costs anyway; each further candidate is a lookup of its own.
            if tree.item(i).arg_count() < 3 {
                continue;
            }
            let cache = tree.inherited(tree.parent(i), "open_file_cache");
            let off = cache.is_some_and(|c| {
                tree.item(c)
                    .arg(0)
                    .is_some_and(|a| a.eq_ignore_ascii_case("off"))
            });
            if cache.is_some() && !off {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE.meta,
                tree.item(i).span(),
                "`try_files` looks up files on every request and `open_file_cache` is not enabled here",
            )
            .with_help("add `open_file_cache max=10000 inactive=30s;` at http or server level");
            match cache {
                Some(c) => {
                    d = d.with_related(tree.item(c).span(), "`open_file_cache` is off here");
                }
                None => {
                    d = d.with_fix_opt(
                        tree.enclosing(i, "server")
                            .and_then(|s| {
                                crate::fixes::first_in_block(
                                    model.map,
                                    tree.item(s).span(),
                                    "open_file_cache max=10000 inactive=30s;",
                                )
                            })
                            .map(|e| {
                                Fix::unsafe_edits("cache file lookups in this server", vec![e])
                            }),
                    );
                }
            }
            sink.push(d);
        }
    }
}
