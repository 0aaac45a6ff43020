use crate::model::filesystem::Probe;
use crate::model::{Model, NginxModel, Server};
use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use std::path::{Path, PathBuf};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX243",
        name: "root-is-project-not-public",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "the PHP location's `root` is the project's directory: its front controller is in `public/` (under `--root`), so every script 404s and the project's files are served",
        aliases: &[],
        doc: r#"Laravel, Symfony, Slim and most Composer projects keep their one web-facing
script in `public/index.php`; the project's directory above it holds the code, the
`vendor/` tree and the `.env` file with the database password and the application key.
nginx's `root` must be `public/`. With the project's directory as the root, the front
controller nginx sends every route to (`/index.php`) is not there: every page answers
404 "File not found." (php-fpm: `Primary script unknown`), `/` answers 403, and a
`try_files $uri` serves the project's files, `.env` included, as plain text.

Judged under `--root` (a copy of the machine): reported when the server sends requests
to `/index.php` (a `try_files` fallback, or `index index.php`) and the root of the
location that runs it holds no `index.php` while its `public/` directory does.

**Symptom**: 404 "File not found." for every route (403 for `/`); `curl
http://site/.env` may return the application's secrets (live, nginx 1.22.1: `root`
one level above `public/`, `/some/route` 404; with `root .../public`, 200).

Bad:
```nginx
root /var/www/laravel;
location / {
    try_files $uri $uri/ /index.php?$query_string;
}
location ~ \.php$ {
    include fastcgi.conf;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
root /var/www/laravel/public;
```"#,
        fix: "Point `root` at the project's `public/` directory.",
    },
    check: Check::Server(check),
};

/// The root of the location that runs `/index.php` and the two files that tell: its
/// `index.php` and `public/index.php`.
pub(crate) fn front_controller_paths(server: &Server) -> Option<(PathBuf, PathBuf)> {
    let php = server.location_for("/index.php")?;
    if php.fastcgi_pass.is_none() || php.alias.is_some() || php.runs_fixed_script() {
        return None;
    }
    let root = php.inherited.get("root")?.first();
    if !root.starts_with('/') || root.contains('$') {
        return None;
    }
    let root = Path::new(root.trim_end_matches('/'));
    Some((root.join("index.php"), root.join("public/index.php")))
}

/// The server sends requests to `/index.php`: a `try_files` falls back to it, or an
/// `index` lists it. A site whose front controller has another name (`/app.php`) is not
/// judged by the `index.php` it lacks.
fn sends_to_index_php(server: &Server) -> bool {
    server.locations.iter().any(|l| {
        let falls_back = l
            .try_files
            .as_ref()
            .and_then(|t| t.args.last())
            .is_some_and(|a| a.split('?').next() == Some("/index.php"));
        let indexes = l
            .inherited
            .get("index")
            .is_some_and(|i| i.args.iter().any(|a| a == "index.php"));
        falls_back || indexes
    })
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    let Some((own, public)) = front_controller_paths(server) else {
        return;
    };
    if !sends_to_index_php(server) {
        return;
    }
    let fs = &model.filesystem;
    let file = |p: &Path| matches!(fs.get(p), Probe::Present(f) if !f.is_dir);
    if fs.get(&own) != Probe::Missing || !file(&public) {
        return;
    }
    // The finding points at the `root` the PHP location uses.
    let Some(php) = server.location_for("/index.php") else {
        return;
    };
    let Some(root) = php.inherited.get("root") else {
        return;
    };
    sink.push(
        Diagnostic::new(
            &RULE.meta,
            root.span,
            format!(
                "root {} holds no index.php, but {} exists: the root is the project's directory, not its public one",
                root.first(),
                public.display()
            ),
        )
        .with_related(php.span, "`/index.php` runs here, from that root")
        .with_help(format!(
            "point the root at {}",
            public.parent().map(|p| p.display().to_string()).unwrap_or_default()
        ))
        .with_note("at runtime: 404 \"File not found.\" for every route (`Primary script unknown`); the project's files (`.env`) may be served as text"),
    );
}
