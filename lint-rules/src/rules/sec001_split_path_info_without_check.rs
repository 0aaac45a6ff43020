use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "SEC001",
        name: "split-path-info-without-check",
        family: Family::Security,
        severity: Severity::Warning,
        summary: "`fastcgi_split_path_info` without a check that the script exists (the CVE-2019-11043 pattern)",
        aliases: &[],
        doc: r#"With `fastcgi_split_path_info`, `PATH_INFO` passed to php-fpm and no
`try_files` in the location (`try_files $fastcgi_script_name =404`, or one that
names a fixed script such as `try_files /app.php =404`) nor an `if (!-f ...)`,
any URL that merely *contains* `.php` is passed to php-fpm, path info and all.
A location that splits but never passes `PATH_INFO` is not reported, nor one
whose `fastcgi_pass` is a unix socket of another FastCGI server (no pool of the
tree creates it and nothing about the location names PHP: munin's graph server,
a PSGI handler, fcgiwrap), nor an `internal` location that only redirects naming the
script alone reach (`try_files $uri /index.php$is_args$args`: Symfony's recipe); a
`rewrite` or `try_files` that carries a path after `.php` into it keeps it reported;
nor a location whose `SCRIPT_FILENAME` is a fixed path (no variable, or only the root:
`$document_root/index.php`): the split cannot choose the script.
This is the configuration behind CVE-2019-11043
(remote code execution on unpatched PHP) and behind "uploads executed as PHP"
when `cgi.fix_pathinfo=1`. When every pool the location reaches keeps php-fpm's
`security.limit_extensions` to `.php` and `.phar` (its default), php-fpm refuses the
upload itself, and the finding is a note (hardening; Fedora's and RHEL's packaged
`default.d/php.conf` is such a location).

**Symptom**: none until it is exploited: on unpatched PHP 7.1–7.3 a crafted
URL executes code (CVE-2019-11043); with `cgi.fix_pathinfo=1`
`/uploads/avatar.jpg/x.php` runs the uploaded file as PHP.

Bad:
```nginx
location ~ [^/]\.php(/|$) {
    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
    fastcgi_param PATH_INFO $fastcgi_path_info;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ [^/]\.php(/|$) {
    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
    try_files $fastcgi_script_name =404;
    fastcgi_param PATH_INFO $fastcgi_path_info;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Add `try_files $fastcgi_script_name =404;` after fastcgi_split_path_info (Debian's snippets/fastcgi-php.conf does).",
    },
    check: Check::Model(check),
};

/// Whether the location at `span` is `internal` and no `rewrite` or `try_files` of its
/// tree redirects to a `.php` URI with something after the script name (`rewrite ^(.*)$
/// /index.php$1 last;` would carry the client's path info in).
fn internal_without_path_info(model: &Model<'_>, span: lint_source::Span) -> bool {
    model.syntax_at(span).any(|tree| {
        let Some(location) = tree
            .named("location")
            .find(|&i| tree.item(i).span() == span)
        else {
            return false;
        };
        if !crate::model::syntax::is_internal_location(tree, location) {
            return false;
        }
        let carries_path = |uri: &str| {
            uri.find(".php").is_some_and(|at| {
                let rest = &uri[at + ".php".len()..];
                let rest = rest.split('?').next().unwrap_or(rest);
                !rest.is_empty() && rest != "$is_args$args" && rest != "$is_args"
            })
        };
        let rewrites = tree
            .named("rewrite")
            .any(|i| tree.item(i).arg(1).is_some_and(|a| carries_path(&a)));
        let fallbacks = tree.named("try_files").any(|i| {
            let item = tree.item(i);
            item.arg_count()
                .checked_sub(1)
                .and_then(|last| item.arg(last))
                .is_some_and(|a| carries_path(&a))
        });
        !rewrites && !fallbacks
    })
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (_, _, location) in model.fastcgi_locations() {
        let Some(split) = &location.split_path_info else {
            continue;
        };
        // The attack is PHP's (cgi.fix_pathinfo runs the upload named before the path
        // info); fcgiwrap, munin's servers or a PSGI handler split paths by design.
        if !model.may_talk_to_php(location) {
            continue;
        }
        // Any try_files ends a request for a missing script before php-fpm: `=404`, or a
        // fallback to a fixed script; `try_files /app.php =404` passes one known file.
        if location.try_files.is_some() || location.has_exists_check {
            continue;
        }
        // The check may be in an include this run cannot read (Debian's
        // `snippets/fastcgi-php.conf` holds `try_files $fastcgi_script_name =404;`):
        // NGX002/NGX005 say the file is missing; what it holds is not known.
        if model.unresolved_include_within(location.span) {
            continue;
        }
        // A fixed SCRIPT_FILENAME (Valet's `/srv/app/server.php`) runs that one script
        // whatever the split says: the path info cannot choose an upload to execute.
        let fixed_script = location.inherited.params.as_ref().is_some_and(|list| {
            list.params
                .iter()
                .rev()
                .find(|p| p.name == "SCRIPT_FILENAME")
                .is_some_and(|p| names_one_script(&p.value))
        });
        if fixed_script {
            continue;
        }
        // Clients cannot reach an `internal` location (Symfony's and Pimcore's recipe): only
        // redirects can, and when every redirect names the script alone (`try_files $uri
        // /index.php$is_args$args`) no path info arrives to split.
        if internal_without_path_info(model, location.span) {
            continue;
        }
        // The attack needs the split path info in PATH_INFO; without it the split only
        // shortens $fastcgi_script_name.
        let Some(path_info) = location.inherited.params.as_ref().and_then(|list| {
            list.params
                .iter()
                .find(|p| p.name == "PATH_INFO" && p.value.contains('$'))
        }) else {
            continue;
        };
        let mut d = Diagnostic::new(
            &RULE.meta,
            split.span,
            "fastcgi_split_path_info passes PATH_INFO without a check that the script file exists",
        )
        .with_related(path_info.span, "PATH_INFO passed here")
        .with_help("add `try_files $fastcgi_script_name =404;` in this location");
        // Every pool it reaches keeps php-fpm's own guard (`security.limit_extensions`
        // .php .phar): an upload named before the path info is refused (live: 403
        // "Access denied.", Fedora's stock default.d/php.conf). Hardening, then.
        let mut pools = model.reached_pools(location).peekable();
        let guarded = pools.peek().is_some()
            && pools.all(|(_, p)| {
                p.pool.get("security.limit_extensions").is_none_or(|e| {
                    let listed: Vec<String> = e
                        .value
                        .split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect();
                    !listed.is_empty() && listed.iter().all(|x| x == ".php" || x == ".phar")
                })
            });
        if guarded {
            d = d.with_severity(Severity::Note).with_note(
                "php-fpm's security.limit_extensions (.php .phar) refuses to run an upload this way (403 \"Access denied.\"); the check is what stops CVE-2019-11043 on PHP before 7.3.11",
            );
        }
        sink.push(d);
    }
}

/// A `SCRIPT_FILENAME` that names one script whatever the URI: a literal path, or the
/// location's root and a literal (`$document_root/index.php`, hotcrp): neither the
/// split nor the URI can choose what runs.
fn names_one_script(value: &str) -> bool {
    let mut rest = value.to_string();
    for root in ["$realpath_root", "$document_root"] {
        while let Some(at) = rest.find(root) {
            let end = at + root.len();
            // `$document_root_x` is another variable.
            if rest[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                return false;
            }
            rest.replace_range(at..end, "");
        }
    }
    !rest.contains('$')
}
