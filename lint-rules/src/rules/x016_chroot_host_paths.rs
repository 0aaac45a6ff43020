use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X016",
        name: "chroot-host-paths",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "nginx sends host paths in SCRIPT_FILENAME to a pool that runs chrooted",
        aliases: &[],
        doc: r#"A pool with `chroot = /srv/site` sees `/srv/site/public/index.php` as
`/public/index.php`. nginx builds SCRIPT_FILENAME from its own `root`, a host
path, which does not exist inside the chroot.

**Symptom**: 404 "File not found."; php-fpm logs `Primary script unknown`
(`Unable to open primary script: /srv/site/public/index.php (No such file or
directory)`).

Bad:
```nginx
root /srv/site/public;
fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;   # pool: chroot = /srv/site
```
Good:
```nginx
root /srv/site/public;
fastcgi_param SCRIPT_FILENAME /public$fastcgi_script_name;
```"#,
        fix: "Send the path as the chrooted pool sees it (strip the chroot prefix).",
    },
    check: Check::Server(check),
};

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let Some(params) = &location.inherited.params else {
            continue;
        };
        let Some(script) = params.get("SCRIPT_FILENAME") else {
            continue;
        };
        if !script.value.starts_with("$document_root")
            && !script.value.starts_with("$realpath_root")
            && !script.value.starts_with("$request_filename")
        {
            continue;
        }
        let Some(root) = location.inherited.get("root") else {
            continue;
        };
        for t in model.fastcgi_targets(location) {
            let (Verdict::Reached(p) | Verdict::Partly(p)) = model.verdict(&t.target) else {
                continue;
            };
            let Some(chroot) = p
                .pool
                .value("chroot")
                .filter(|c| c.starts_with('/') && c.len() > 1)
            else {
                continue;
            };
            let chroot = chroot.trim_end_matches('/');
            let r = root.first();
            if r == chroot || r.starts_with(&format!("{chroot}/")) {
                let inside = &r[chroot.len()..];
                let entry = p
                    .pool
                    .get("chroot")
                    .map_or(p.pool.name_span, |e| e.value_span);
                sink.push(
                    Diagnostic::new(&RULE.meta, script.span, format!("pool [{}] runs chrooted in {chroot}, but SCRIPT_FILENAME is built from the host path {r}", p.pool.name))
                        .with_related(entry, "chroot")
                        .with_related(root.span, "nginx's root")
                        .with_help(format!("`fastcgi_param SCRIPT_FILENAME {}$fastcgi_script_name;`", if inside.is_empty() { "" } else { inside }))
                        .with_note("at runtime: 404 \"File not found.\", \"Primary script unknown\""),
                );
                break;
            }
        }
    }
}
