use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Edit, Family, Fix, RuleMeta, Severity, Span};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX222",
        name: "try-files-script-not-last",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "the front controller with its query (`/index.php?$query_string`) is not the last `try_files` parameter: every route answers 404",
        aliases: &[],
        doc: r#"Only the last parameter of `try_files` is a URI that nginx redirects to, split at
`?` into a path and arguments. Every parameter before it is a *file name* tried in
the root, as written: `/index.php?$query_string` there is a file called
`index.php?` (followed by the query), which never exists. With `=404` after it,
every URL that is neither a file nor a directory (`/login`, `/blog/my-post`)
answers 404, and the application's front controller is never run. Only the home
page works (`$uri/` finds the directory and its `index`). `nginx -t` accepts it.
Copied from tutorials that put `=404` at the end "to be safe".

**Symptom**: the home page works; every other page is nginx's "404 Not Found" (not
the application's). The error log says nothing (a `try_files` miss is not logged).

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string =404;
}
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
```
The application answers unknown routes with its own 404. A fallback after the script
that starts with `$uri` (wyveo/nginx-php-fpm's `$uri/index.html`) is worse: every route
comes back to the same location with a longer URI until nginx gives up ("rewrite or
internal redirection cycle", 500 live on nginx 1.22). A named location or another page
as the last parameter is a choice, not reported. A location that passes
to php-fpm itself is not reported (there a miss is meant to be 404), nor is a
parameter without `?` (`/index.php$is_args$args` before the last one is a file
that exists, served as source: NGX213).

Autofix: safe — the trailing code is removed, so the script is the fallback."#,
        fix: "Make the script the last parameter: drop the `=404` after it.",
    },
    check: Check::Server(check),
};

/// A parameter naming a PHP script with a query string (`/index.php?$args`): a file
/// name with a literal `?` when it is not the last parameter.
fn script_with_query(arg: &str) -> bool {
    arg.split_once('?')
        .is_some_and(|(path, _)| path.to_ascii_lowercase().ends_with(".php"))
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in &server.locations {
        let Some(try_files) = &location.try_files else {
            continue;
        };
        if !location.serves_files() {
            continue;
        }
        let Some((last, tried)) = try_files.args.split_last() else {
            continue;
        };
        let Some(script) = tried.iter().find(|a| script_with_query(a)) else {
            continue;
        };
        let file = script.split('?').next().unwrap_or(script);
        if !last.starts_with('=') {
            // Another fallback after the script (wyveo/nginx-php-fpm's `$uri/index.html`):
            // every route goes there instead. One that starts with `$uri` comes back to
            // this location with a longer URI, again and again (live: 500).
            // A named location or another page as the fallback is a choice (the script's
            // parameter is dead there, not harmful): only the loop is reported.
            let loops = last.starts_with("$uri") && !last.starts_with("$uri?");
            if !loops {
                continue;
            }
            let d = Diagnostic::new(
                &RULE.meta,
                try_files.span,
                format!("`{script}` is not the last try_files parameter: it is tried as a file named `{file}?…`, which never exists, so every URL that is not a file goes to `{last}`"),
            )
            .with_label("only the last parameter is a URI (split at `?`)")
            .with_help(format!("end the list with the script: `try_files ... {script};`"))
            .with_note(format!("at runtime: 500 for every route of the application: `{last}` is searched again in this location, which tries it again (\"rewrite or internal redirection cycle\")"));
            sink.push(d);
            continue;
        }
        // The fix drops the code: from the end of the parameter before it.
        let fix = crate::fixes::statement(model.map, try_files.span).and_then(|stmt| {
            let [.., (before, _), (code, _)] = stmt.args.as_slice() else {
                return None;
            };
            Some(Fix::safe(
                format!("drop `{last}`: `{script}` becomes the fallback"),
                vec![Edit::delete(Span::new(
                    code.file,
                    before.end as usize,
                    code.end as usize,
                ))],
            ))
        });
        let code = last.trim_start_matches('=');
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                try_files.span,
                format!("`{script}` is not the last try_files parameter: it is tried as a file named `{file}?…`, which never exists, so every URL that is not a file answers {code}"),
            )
            .with_label("only the last parameter is a URI (split at `?`)")
            .with_help(format!("drop `{last}`: `try_files ... {script};` runs the script for every URL that is not a file"))
            .with_note(format!("at runtime: {code} for every route of the application; the home page alone works"))
            .with_fix_opt(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::script_with_query;

    #[test]
    fn scripts_with_a_query_are_file_names_with_a_question_mark() {
        assert!(script_with_query("/index.php?$query_string"));
        assert!(script_with_query("/index.PHP?q=$uri&$args"));
        assert!(!script_with_query("/index.php$is_args$args"));
        assert!(!script_with_query("/index.html?$args"));
        assert!(!script_with_query("$uri/"));
    }
}
