use crate::model::Model;
use crate::rule::{Check, Rule, Sink};
use crate::rules::x030_upload_limit_below_php::php_size;
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "FPM117",
        name: "post-limit-below-upload-limit",
        family: Family::FpmPool,
        severity: Severity::Warning,
        summary: "`upload_max_filesize` is raised above `post_max_size`: uploads between the two arrive with empty `$_POST` and `$_FILES`",
        aliases: &[],
        doc: r#"An uploaded file travels inside the POST body, and PHP refuses a body larger than
`post_max_size` (8M when not set) before it looks at any file: it drops the whole
body, so the script sees empty `$_POST` and `$_FILES` and no upload error code at all.
Raising `upload_max_filesize` alone (the usual "allow 64M uploads" edit) therefore
raises nothing: uploads are still capped at `post_max_size`, and those in between fail
in a way the application rarely reports (a form that "does nothing", "The link you
followed has expired" in WordPress, a CSRF token error in Laravel). PHP's manual: to
upload large files, `post_max_size` must be larger than `upload_max_filesize`.

Judged on the pool's own `php_admin_value`/`php_value` and the php.ini it reads.
`post_max_size = 0` is no limit.

**Symptom**: uploads larger than `post_max_size` fail silently (200, the form shown
again); PHP logs `POST Content-Length of N bytes exceeds the limit of M bytes`
(live, php-fpm 8.2: `upload_max_filesize = 64M` with the default `post_max_size`, a
10 MB POST answers 200 with `$_POST` empty).

Bad:
```ini
[www]
php_admin_value[upload_max_filesize] = 64M
```
Good:
```ini
[www]
php_admin_value[upload_max_filesize] = 64M
php_admin_value[post_max_size] = 72M
```"#,
        fix: "Raise `post_max_size` to at least `upload_max_filesize` (a little more: the form's other fields share the body).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    for p in model.pools() {
        let Some((upload_text, upload_span)) = p.php_value("upload_max_filesize") else {
            continue;
        };
        let Some(upload) = php_size(upload_text) else {
            continue;
        };
        let post_set = p.php_value("post_max_size");
        let post_text = post_set.map_or("8M", |(v, _)| v);
        // `0` (or anything that is not a size) is no limit, or not a limit we can read.
        let Some(post) = php_size(post_text) else {
            continue;
        };
        if upload <= post {
            continue;
        }
        let shown = |t: &str| t.trim().trim_matches('"').to_string();
        let mut d = Diagnostic::new(
            &RULE.meta,
            upload_span,
            format!(
                "pool [{}] takes files up to upload_max_filesize {}, but refuses POST bodies over post_max_size {}{}: uploads in between arrive with empty $_POST and $_FILES",
                p.pool.name,
                shown(upload_text),
                shown(post_text),
                if post_set.is_some() { "" } else { " (not set: PHP's default)" }
            ),
        )
        .with_help(format!(
            "set `post_max_size` to at least {} for this pool",
            shown(upload_text)
        ))
        .with_note("at runtime: PHP logs `POST Content-Length of N bytes exceeds the limit of M bytes`; the script sees no upload");
        if let Some((_, span)) = post_set {
            d = d.with_related(
                span,
                "the whole request body, the file included, must fit here",
            );
        }
        sink.push(d);
    }
}
