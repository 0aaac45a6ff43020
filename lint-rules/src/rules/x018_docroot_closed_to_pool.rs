use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::filesystem::Access;
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X018",
        name: "docroot-closed-to-pool",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "the pool's user cannot enter the document root nginx sends scripts from (under `--root`): every PHP request fails",
        aliases: &[],
        doc: r#"nginx only names the script; php-fpm's worker opens it, as the pool's
`user`. It needs search (`x`) permission on the document root and on every
directory above it. A docroot deployed as `0700 deploy:deploy`, a home
directory (`/home/alice/site`, home directories are `0700` or `0750` on many
systems), or a pool switched to another user leaves php-fpm unable to see
the script: nginx logs `FastCGI sent in stderr: "Primary script unknown"` and
the client gets **404 "File not found."** for every PHP page (proven live).

Checked only with `--root`, against owner, group and mode of the directories
under it and the accounts in its etc/passwd and etc/group.

**Symptom**: 404 "File not found." for every PHP page; nginx's error log:
`FastCGI sent in stderr: "Primary script unknown"`.

Bad (`/srv/shop` is `0700 deploy:deploy`, the pool runs as `www-data`):
```nginx
root /srv/shop;
location ~ \.php$ { fastcgi_pass unix:/run/php/php8.2-fpm.sock; ... }
```
Good: `chmod 0751 /srv/shop` (or run the pool as `deploy`)."#,
        fix: "Give the pool user search permission on the docroot and its parents (`chmod o+x`, or a shared group), or run the pool as the docroot's owner.",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for (_, _, location) in model.fastcgi_locations() {
        let Some(root) = location.inherited.get("root") else {
            continue;
        };
        let docroot = std::path::Path::new(root.first());
        for (t, p) in model.reached_pools(location) {
            let Some(user) = p.pool.value("user") else {
                continue;
            };
            let Some(denial) =
                model
                    .filesystem
                    .denies(&model.accounts, &user, docroot, Access::Search)
            else {
                continue;
            };
            if !seen.insert((root.span, p.pool.name_span)) {
                continue;
            }
            let mut d = Diagnostic::new(
                &RULE.meta,
                root.span,
                format!(
                    "pool [{}] runs as {user}, which cannot enter {} ({}): php-fpm answers 404 \"File not found.\" for every script under {}",
                    p.pool.name,
                    denial.path.display(),
                    denial.shown,
                    docroot.display()
                ),
            )
            .with_label("document root of the PHP location")
            .with_related(t.pass_span, "nginx passes the script name to this pool");
            if let Some(e) = p.pool.get("user") {
                d = d.with_related(e.value_span, "the pool's user");
            }
            sink.push(d.with_help(format!(
                "`chmod o+x {}` (or a group {user} is in), or run the pool as the owner",
                denial.path.display()
            )));
        }
    }
}
