use crate::model::NginxModel;
use crate::model::Server;
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use std::path::PathBuf;

use crate::model::filesystem::Probe;
use crate::model::{EffectiveLocation, Model};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX208",
        name: "try-files-cycle",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "a `try_files` fallback URI that nginx routes back into the same location",
        aliases: &[],
        doc: r#"The last argument of `try_files` is an internal redirect. When the location
that matches that URI is the one holding the `try_files` (typically because the
PHP location is missing, or does not match `/index.php`), nginx runs the same
`try_files` again with `$uri` set to the fallback. If the fallback file exists,
`$uri` finds it and it is served as a static file (for a PHP front controller:
its source code, which NGX207 reports); only when no argument can match does
nginx redirect in a circle until it gives up.

With disk facts (`--root`, or linting the machine's own tree) the rule tells the
two apart: an error when the files are missing (a certain cycle), silence when
the fallback exists. Without them it is a warning that names both outcomes,
for a script fallback (`.php`, or one with query arguments) only: a static page
such as a single-page app's `try_files $uri $uri/ /index.html;` is meant to be
served as is, and is reported only when the disk shows it missing.

A fallback written without its leading slash (`try_files $uri index.php;`) is the URI
`index.php`: a regex location such as `\.php$` matches it again, and `$uri` is then
appended to the root without a slash (`/var/www/htmlindex.php`), a file that never
exists: every missing script cycles.

**Symptom**: when the fallback file does not exist, 500 Internal Server Error
and `rewrite or internal redirection cycle while internally redirecting to
"/index.php"` (proven live); when it does, 200 with the file served as is
(proven live too).

Bad:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
# no location for .php
```
Good:
```nginx
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
location ~ \.php$ {
    include snippets/fastcgi-php.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```

A file of `location`s linted on its own ("add this to your server block") is not
judged: the server it goes into has the locations that take the fallback."#,
        fix: "Add (or fix) the location that should handle the fallback URI, usually `location ~ \\.php$`.",
    },
    check: Check::Server(check),
};

/// What the second pass of `try_files` (with `$uri` = the fallback) finds.
enum Reentry {
    /// An argument names an existing file or directory: served, no cycle.
    Served,
    /// No argument can match: a certain cycle.
    Cycle,
    /// The disk is not known (or an argument has other variables).
    Unknown,
}

fn reentry(model: &Model<'_>, location: &EffectiveLocation, uri: &str) -> Reentry {
    let Some(paths) = location.reentry_paths(uri) else {
        return Reentry::Unknown;
    };
    let mut unknown = false;
    for path in paths {
        let want_dir = path.as_os_str().to_string_lossy().ends_with('/');
        let path = PathBuf::from(path.to_string_lossy().trim_end_matches('/'));
        match model.filesystem.get(&path) {
            Probe::Present(f) if f.is_dir == want_dir => return Reentry::Served,
            Probe::Present(_) => {}
            // A missing parent too means a configuration checkout, not the machine's disk.
            Probe::Missing if model.filesystem.missing_from_existing_dir(&path) => {}
            _ => unknown = true,
        }
    }
    if unknown {
        Reentry::Unknown
    } else {
        Reentry::Cycle
    }
}

/// `try_files $uri index.php;` (limesurvey's example): a fallback without its leading
/// slash is still a URI. A regex location that matches it (`\.php$`) takes the redirect
/// again, and `$uri` is then `index.php`, appended to the root without a slash
/// (`/var/www/htmlindex.php`): no file, so every missing script cycles and ends in 500.
fn relative_fallback(
    server: &crate::model::nginx::Server,
    location: &crate::model::EffectiveLocation,
    try_files: &crate::model::nginx::Setting,
    fallback: &str,
) -> Option<Diagnostic> {
    let uri = fallback.split('?').next().unwrap_or(fallback);
    if uri.is_empty() || uri.starts_with(['/', '=', '@']) || uri.contains('$') {
        return None;
    }
    let target = server.location_for(uri)?;
    if target.span != location.span {
        return None;
    }
    Some(
        Diagnostic::new(
            &RULE.meta,
            try_files.span,
            format!("the fallback {uri} has no leading slash: this same location matches the URI \"{uri}\" again, and no file is found for it: an internal redirection cycle"),
        )
        .with_related(location.span, "this location matches it")
        .with_help(format!("write the fallback as /{fallback}"))
        .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while internally redirecting to \\\"{uri}\\\"\" for every missing file")),
    )
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    for location in server.locations.iter().skip(1) {
        let Some(try_files) = &location.try_files else {
            continue;
        };
        let Some(fallback) = try_files.args.last() else {
            continue;
        };
        if let Some(d) = relative_fallback(server, location, try_files, fallback) {
            sink.push(d);
            continue;
        }
        if !fallback.starts_with('/') || fallback.contains('$') && !fallback.contains('?') {
            continue; // =404, @named, or a variable path: not a fixed internal redirect
        }
        let uri = fallback.split('?').next().unwrap_or(fallback);
        if uri.contains('$') {
            continue;
        }
        if server
            .location_for(uri)
            .is_none_or(|target| target.span != location.span)
        {
            continue;
        }
        // A snippet's locations read on their own ("add this to your server block"):
        // the server they go into has the PHP location that takes the fallback.
        if model.is_synthetic(server) {
            continue;
        }
        let d = match reentry(model, location, uri) {
            Reentry::Served => continue,
            // A PHP location's own front controller (`try_files $uri /index.php?...` next
            // to fastcgi_pass): the fallback runs the script; only its absence cycles,
            // which the disk must show before anything is claimed.
            Reentry::Unknown if location.fastcgi_pass.is_some() => continue,
            // A static page (`try_files $uri $uri/ /index.html`, a single-page app):
            // serving it as a file is the intent; only its absence cycles, which the
            // disk must show. A script (`.php`, or query arguments) served as a file is
            // the mistake worth a warning.
            Reentry::Unknown
                if !uri.to_ascii_lowercase().ends_with(".php") && !fallback.contains('?') =>
            {
                continue
            }
            Reentry::Cycle => Diagnostic::new(&RULE.meta, try_files.span, format!("the fallback {uri} is handled by this same location again and no file it tries exists: an internal redirection cycle"))
                .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while internally redirecting to \\\"{uri}\\\"\"")),
            Reentry::Unknown => Diagnostic::new(&RULE.meta, try_files.span, format!("the fallback {uri} is handled by this same location again: a redirection cycle if {uri} does not exist, the file served as is if it does"))
                .with_severity(Severity::Warning)
                .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while internally redirecting to \\\"{uri}\\\"\" when {uri} is missing; 200 with its content served as a static file when it exists")),
        };
        sink.push(
            d.with_related(location.span, "this location matches it")
                .with_help(format!("add a location that handles {uri} (for PHP: `location ~ \\.php$` with fastcgi_pass)")),
        );
    }
}
