use lint_source::Diagnostic;

use crate::model::Model;
use crate::rule::Sink;

declare_rule!(
    "SEC001",
    "split-path-info-without-check",
    Security,
    Warning,
    "`fastcgi_split_path_info` without a check that the script exists (the CVE-2019-11043 pattern)",
    r#"With `fastcgi_split_path_info` and no `try_files $fastcgi_script_name =404`
(or an `if (!-f ...)`), any URL that merely *contains* `.php` is passed to
php-fpm, path info and all. This is the configuration behind CVE-2019-11043
(remote code execution on unpatched PHP) and behind "uploads executed as PHP"
when `cgi.fix_pathinfo=1`.

**Symptom**: none until it is exploited: on unpatched PHP 7.1–7.3 a crafted
URL executes code (CVE-2019-11043); with `cgi.fix_pathinfo=1`
`/uploads/avatar.jpg/x.php` runs the uploaded file as PHP.

Bad:
```nginx
location ~ [^/]\.php(/|$) {
    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
location ~ [^/]\.php(/|$) {
    fastcgi_split_path_info ^(.+?\.php)(/.*)$;
    try_files $fastcgi_script_name =404;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
    "Add `try_files $fastcgi_script_name =404;` after fastcgi_split_path_info (Debian's snippets/fastcgi-php.conf does).",
    check
);

fn check(model: &Model<'_>, sink: &mut Sink) {
    for (_, _, location) in model.fastcgi_locations() {
        let Some(split) = &location.split_path_info else {
            continue;
        };
        let checked = location.try_files.as_ref().is_some_and(|t| {
            t.args
                .iter()
                .any(|a| a.contains("$fastcgi_script_name") || a.contains("$uri"))
        });
        if !checked && !location.has_exists_check {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    split.span,
                    "fastcgi_split_path_info without a check that the script file exists",
                )
                .with_help("add `try_files $fastcgi_script_name =404;` in this location"),
            );
        }
    }
}
