use crate::rule::{Check, Rule, Sink};
use foldhash::{HashMap, HashMapExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM112",
        name: "setting-overridden",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "a pool setting is set again later (the same file, or a file php-fpm reads after it): the earlier value never applies",
        aliases: &[],
        doc: r#"For every key but the array entries (`env[...]`, `php_value[...]`: FPM103),
php-fpm keeps the *last* value it reads for a pool. An `include` glob is read in
name order, so a drop-in meant to tune the official image's pool,
`php-fpm.d/app.conf` with `pm.max_children = 10`, is read *before* `www.conf`
and its value is replaced by the stock one (`pm.max_children = 5`): the pool
runs 5 children, and `php-fpm -tt` shows it. docker-library's own override is
named `zz-docker.conf` for this reason. A line without a `[section]` goes to
the section the previous file left open. Reported on the value that is lost when it
was written in a repository or server file and is replaced by the image's or
package's own file read after it, or by a later line of the same file (two files of
yours layered on purpose, a base pool and its `zz-` tuning, are not judged).

**Symptom**: the tuning "does nothing"; `php-fpm -tt` prints the other value.

Bad (`php-fpm.d/app.conf`, read before `www.conf`):
```ini
pm.max_children = 10
```
Good (`php-fpm.d/zz-app.conf`, read after it):
```ini
pm.max_children = 10
```"#,
        fix: "Name the drop-in so that it sorts after the file it overrides (`zz-app.conf`), or change the value where it is set last.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let stock = |span: lint_source::Span| {
        model
            .map
            .get(span.file)
            .origin
            .as_deref()
            .is_some_and(|o| o.contains(", stock "))
    };
    for p in model.pools() {
        // key → the entry read last (the one php-fpm keeps).
        let mut last: HashMap<&str, &fpm_conf_parser::Entry> = HashMap::new();
        for entry in &p.pool.entries {
            if entry.array_key.is_none() {
                last.insert(entry.key.as_str(), entry);
            }
        }
        for entry in &p.pool.entries {
            if entry.array_key.is_some() || stock(entry.key_span) {
                continue;
            }
            let Some(winner) = last.get(entry.key.as_str()) else {
                continue;
            };
            if std::ptr::eq(*winner, entry) || winner.value.trim() == entry.value.trim() {
                continue;
            }
            // Two files of the repository or server layered on purpose (a base pool and
            // its `zz-` tuning) are not judged: only a value lost to the image's or
            // package's own file read after it, or to a line of its own file.
            let same_file = winner.key_span.file == entry.key_span.file;
            if !same_file && !stock(winner.key_span) {
                continue;
            }
            // Within one file, its line: a repository file placed in a deployment is named
            // by where it lands (`/etc/php/8.2/fpm/php-fpm.conf:14` for wenyamu/nginx_demo's
            // `php/7.4/fpm/php-fpm.conf`), which read as another file.
            let place = {
                let f = model.map.get(winner.key_span.file);
                let line = f.line_col(winner.key_span.start).line;
                if same_file {
                    format!("line {line} of this file")
                } else {
                    format!("{}:{line}", f.path.display())
                }
            };
            let help = if same_file {
                "keep one line and edit it there".to_string()
            } else {
                "name this file so that it sorts after the one that sets it again (`zz-*.conf`: php-fpm reads an include glob in name order), or change the value there".to_string()
            };
            let mut d = Diagnostic::new(
                &RULE.meta,
                entry.key_span,
                format!(
                    "pool [{}] sets {} = {} here, but {place} sets it again ({}), read later: php-fpm keeps that one",
                    p.pool.name,
                    entry.key,
                    entry.value.trim(),
                    winner.value.trim()
                ),
            )
            .with_label("overridden")
            .with_related(winner.key_span, "read later: this value applies")
            .with_help(help);
            // invoiceninja's one-line `pm.max_children = 10`: whoever reads the file
            // wonders where [www] comes from.
            if !opens_a_section_before(model, entry.key_span) {
                d = d.with_note(format!(
                    "this file opens no [section] before the line: php-fpm puts it in the section an earlier file left open, [{}]",
                    p.pool.name
                ));
            }
            sink.push(d);
        }
    }
}

/// Whether a `[section]` line comes before `at` in its file.
fn opens_a_section_before(model: &Model<'_>, at: lint_source::Span) -> bool {
    let text = model.map.get(at.file).text();
    let before = text.get(..at.start as usize).unwrap_or_default();
    before
        .split(|&b| b == b'\n')
        .any(|line| line.trim_ascii_start().starts_with(b"["))
}
