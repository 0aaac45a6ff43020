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

/// Variables that hold a URI path, so that `/index.php/$request_uri` and
/// `/index.php$request_uri` are path-info URIs (`/index.php/blog/post`).
const PATH_VARIABLES: &[&str] = &["$request_uri", "$uri", "$document_uri"];

/// `try_files $uri $uri/ /index.php/$request_uri;` (or `/index.php$request_uri`): the
/// fallback is a path-info URI, `/index.php/blog/post`. A PHP location written for
/// `\.php$` does not match it, so the location holding the `try_files` takes it again;
/// its `$uri` is never a file (the script is a file, so nothing is under it): every URL
/// that is no file cycles (live: 500).
fn path_info_cycle(
    model: &Model<'_>,
    server: &Server,
    location: &EffectiveLocation,
    try_files: &crate::model::nginx::Setting,
    fallback: &str,
    uri: &str,
) -> Option<Diagnostic> {
    let (sample, bare) = path_info_sample(uri)?;
    if model.is_synthetic(server) {
        return None;
    }
    if server.location_for(&sample)?.span != location.span {
        return None;
    }
    let php = server
        .location_for(bare)
        .filter(|l| l.fastcgi_pass.is_some() && l.span != location.span);
    let mut d = Diagnostic::new(
        &RULE.meta,
        try_files.span,
        format!(
            "the fallback {fallback} is a path-info URI ({sample}){}: this same location takes it again, and no file is ever found under a script: an internal redirection cycle",
            php.map_or(String::new(), |p| format!(", which `location {}` does not match", p.pattern))
        ),
    )
    .with_related(location.span, "this location matches it");
    if let Some(p) = php {
        d = d.with_related(p.span, format!("takes {bare} but not {sample}"));
    }
    Some(
        d.with_help(format!(
            "let the PHP location take path info (`location ~ [^/]\\.php(/|$)` with `fastcgi_split_path_info ^(.+?\\.php)(/.*)$;`), or fall back to `{bare}?$query_string`"
        ))
        .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while internally redirecting to \\\"{sample}\\\"\" for every URL that is not a file")),
    )
}

/// The path-info URI a replacement makes (`/index.php/$1`, `/index.php$uri`: `/index.php/x`),
/// and the script part (`/index.php`); `None` for anything else.
fn path_info_sample(replacement: &str) -> Option<(String, &str)> {
    let uri = replacement.split('?').next()?;
    let at = uri.find('$')?;
    let (script, variable) = uri.split_at(at);
    let capture = variable.len() > 1 && variable[1..].bytes().all(|b| b.is_ascii_digit());
    if !capture && !PATH_VARIABLES.contains(&variable) {
        return None;
    }
    let bare = script.trim_end_matches('/');
    if !bare.starts_with('/') || !bare.to_ascii_lowercase().ends_with(".php") {
        return None;
    }
    // `/index.php$1` with a capture that need not start with `/` is not a path.
    if capture && !script.ends_with('/') {
        return None;
    }
    Some((format!("{bare}/x"), bare))
}

/// `location / { if (!-e $request_filename) { rewrite ^/(.*)$ /index.php/$1 last; } }`
/// (ThinkPHP's and CodeIgniter's guides): the rewritten URI is a path-info URI that this
/// same location takes again, where the test is true again (nothing is a file under a
/// script) and the regex matches again: a cycle, 500.
fn rewrite_cycles(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let Some(tree) = model.syntax_of(nginx) else {
        return;
    };
    if model.is_synthetic(server) {
        return;
    }
    for location in server.locations.iter().skip(1) {
        for at in tree.locations_at(location.span) {
            for &c in tree.children(Some(at)) {
                let item = tree.item(c);
                let rewrites: Vec<usize> = if item.is("rewrite") {
                    vec![c]
                } else if item.is("if")
                    && item.args().any(|a| {
                        let a = a.trim_start_matches('(');
                        a == "!-e" || a == "!-f"
                    })
                    && item
                        .args()
                        .any(|a| a.trim_end_matches(')') == "$request_filename")
                {
                    tree.children(Some(c))
                        .iter()
                        .copied()
                        .filter(|&r| tree.item(r).is("rewrite"))
                        .collect()
                } else {
                    continue;
                };
                for r in rewrites {
                    let rewrite = tree.node(r);
                    if rewrite.arg_count() < 2
                        || matches!(rewrite.arg(2), "break" | "redirect" | "permanent")
                    {
                        continue;
                    }
                    let (regex, replacement) = (rewrite.arg(0), rewrite.arg(1));
                    let Some((sample, script)) = path_info_sample(replacement) else {
                        continue;
                    };
                    if server
                        .location_for(&sample)
                        .is_none_or(|l| l.span != location.span)
                        || !crate::model::compiled_regex::is_match(regex, &sample)
                    {
                        continue;
                    }
                    let php = server
                        .location_for(script)
                        .filter(|l| l.fastcgi_pass.is_some() && l.span != location.span);
                    let mut d = Diagnostic::new(
                        &RULE.meta,
                        rewrite.span(),
                        format!(
                            "`rewrite` makes the path-info URI {replacement} ({sample}){}: this same location takes it again, the regex matches it again and no file is ever found under a script: an internal redirection cycle",
                            php.map_or(String::new(), |p| format!(", which `location {}` does not match", p.pattern))
                        ),
                    )
                    .with_related(location.span, "this location matches it");
                    if let Some(p) = php {
                        d = d.with_related(p.span, format!("takes {script} but not {sample}"));
                    }
                    sink.push(
                        d.with_help("let the PHP location take path info (`location ~ [^/]\\.php(/|$)` with `fastcgi_split_path_info ^(.+?\\.php)(/.*)$;`), or rewrite to a query (`/index.php?s=$1`)")
                            .with_note(format!("at runtime: 500 \"rewrite or internal redirection cycle while processing \\\"{script}/{script}/...\\\"\" for every URL that is not a file")),
                    );
                }
            }
        }
    }
}

fn check(model: &Model<'_>, nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    rewrite_cycles(model, nginx, server, sink);
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
        if !fallback.starts_with('/') {
            continue; // =404, @named: not an internal redirect to a URI
        }
        // The URI part: before `?`, and before `$is_args` (`/index.php$is_args$args`).
        let uri = fallback
            .split('?')
            .next()
            .and_then(|s| s.split("$is_args").next())
            .unwrap_or(fallback);
        if let Some(d) = path_info_cycle(model, server, location, try_files, fallback, uri) {
            sink.push(d);
            continue;
        }
        if uri.contains('$') {
            continue; // a variable path: not a fixed internal redirect
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
