use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX212",
        name: "try-files-drops-path-info",
        family: Family::NginxFastcgi,
        severity: Severity::Warning,
        summary: "a location that splits PATH_INFO tests `try_files $uri`: a URL with path info is never that file",
        aliases: &[],
        doc: r#"`fastcgi_split_path_info` and `fastcgi_param PATH_INFO` say the location
serves URLs such as `/app.php/help/faq`: the script `/app.php`, the path info
`/help/faq`. A `try_files $uri ...` in that location tests the whole URI as a file,
and `/app.php/help/faq` is no file: the request goes to the fallback (the board
index, `/index.php`) with its path info lost, or ends in 404 under `=404` (a note:
the failure is visible, and applications that never make such URLs lose nothing).
Only URLs without path info reach the script they name. Testing the script part,
`$fastcgi_script_name`, keeps both the check and the path info.

**Symptom**: every `/script.php/route` URL shows the fallback page (phpBB's
`/app.php/help/faq` renders the board index; live, nginx 1.22.1 + php-fpm 8.2:
`SCRIPT_NAME=/index.php PATH_INFO=` instead of `/app.php` and `/help/faq`), or 404.

Bad:
```nginx
location ~ \.php(/|$) {
    fastcgi_split_path_info ^(.+\.php)(/.*)$;
    fastcgi_param PATH_INFO $fastcgi_path_info;
    try_files $uri $uri/ /index.php$is_args$args;
    fastcgi_pass php;
}
```
Good (Debian's `snippets/fastcgi-php.conf`):
```nginx
location ~ \.php(/|$) {
    fastcgi_split_path_info ^(.+\.php)(/.*)$;
    try_files $fastcgi_script_name =404;
    set $path_info $fastcgi_path_info;
    fastcgi_param PATH_INFO $path_info;
    fastcgi_pass php;
}
```
The `set` matters: `try_files` runs the split again on the file it found, which has no
path info, so `fastcgi_param PATH_INFO $fastcgi_path_info;` in a location with
`try_files` always sends an empty PATH_INFO (nginx trac #321; live:
`/index.php/help/faq` gives `PATH_INFO=` without the `set`, `/help/faq` with it). That
form is reported too."#,
        fix: "Test the script, not the URI: `try_files $fastcgi_script_name =404;`, with PATH_INFO copied by `set` before it.",
    },
    check: Check::Server(check),
};

fn check(_model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.fastcgi_locations() {
        let (Some(split), Some(try_files)) = (&location.split_path_info, &location.try_files)
        else {
            continue;
        };
        // A location whose regex ends at `.php` (`~ \.php$`) never sees a URL with path
        // info: nothing to drop.
        if location.pattern.trim_end().ends_with("php$") {
            continue;
        }
        // The split matters only when PATH_INFO is sent from it.
        let sends_path_info = location.inherited.params.as_ref().is_some_and(|list| {
            list.params
                .iter()
                .any(|p| p.name == "PATH_INFO" && p.value.contains('$'))
        });
        if !sends_path_info {
            continue;
        }
        let Some((fallback, tests)) = try_files.args.split_last() else {
            continue;
        };
        if tests.iter().any(|a| a.contains("$fastcgi_script_name")) {
            // The script is tested: the check is right, but try_files runs the split
            // again on the file it found, which has no path info, and
            // `$fastcgi_path_info` is empty by the time the parameters are sent (nginx
            // trac #321; the nginx wiki's Drupal recipe). Debian's fastcgi-php.conf copies
            // it with `set` before try_files.
            let direct = location.inherited.params.as_ref().and_then(|list| {
                list.params
                    .iter()
                    .rev()
                    .find(|p| p.name == "PATH_INFO")
                    .filter(|p| p.value.contains("$fastcgi_path_info"))
            });
            if let Some(param) = direct {
                sink.push(
                    Diagnostic::new(
                        &RULE.meta,
                        param.span,
                        "PATH_INFO is always empty here: `try_files` runs the split again on the file it found, which has no path info",
                    )
                    .with_label("$fastcgi_path_info, read after try_files")
                    .with_related(try_files.span, "try_files replaces the URI the split reads")
                    .with_help("copy it before try_files: `set $path_info $fastcgi_path_info;` and `fastcgi_param PATH_INFO $path_info;`"),
                );
            }
            continue;
        }
        let Some(uri_test) = tests.iter().position(|a| a == "$uri") else {
            continue;
        };
        let not_found = fallback.starts_with('=');
        let then = if not_found {
            format!("answered {}", fallback.trim_start_matches('='))
        } else {
            let uri = fallback.split(['?', '$']).next().filter(|u| !u.is_empty());
            format!(
                "sent to {} with their path info lost",
                uri.unwrap_or(fallback)
            )
        };
        // Under `=404` the path-info URLs fail visibly, and an application that never
        // makes them (WordPress under the common tutorial block) loses nothing: a note.
        let severity = if not_found {
            Severity::Note
        } else {
            RULE.meta.severity
        };
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                try_files.span,
                format!("`try_files $uri` in a location that splits PATH_INFO: /script.php/path is no file, so such requests are {then}"),
            )
            .with_label(format!("tests the whole URI (argument {})", uri_test + 1))
            .with_related(split.span, "the location expects path info here")
            .with_help("test the script part: `try_files $fastcgi_script_name =404;`")
            .with_severity(severity),
        );
    }
}
