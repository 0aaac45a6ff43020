use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use std::path::PathBuf;

use crate::model::filesystem::Probe;
use crate::model::nginx::{EffectiveLocation, NginxModel, Server};
use crate::model::{Model, Verdict};

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "NGX293",
        name: "script-filename-prefix-not-root",
        family: Family::NginxFastcgi,
        severity: Severity::Error,
        summary: "SCRIPT_FILENAME names scripts under a hard-coded directory (`/var/www/html$fastcgi_script_name`) that is not the location's `root`, and the disk (under `--root`) has the front controller under the root only: every script is 404 \"Primary script unknown\"",
        aliases: &[],
        doc: r#"`fastcgi_param SCRIPT_FILENAME /var/www/html$fastcgi_script_name;` copied from a
guide hard-codes the guide's document root. When the site's `root` is elsewhere, nginx
finds the files (its `try_files` looks under `root`) and php-fpm, told to run
`/var/www/html/index.php`, finds nothing: "File not found." for every script. In a
deployment where php-fpm runs in another container, a SCRIPT_FILENAME directory that
differs from nginx's `root` is normal (the code sits at another path there), so the
rule judges only from the disk of one machine: with `--root`, for a location whose
`fastcgi_pass` reaches a pool of the same tree, when `index.php` is under the location's
`root` and not under the hard-coded directory (whose parent exists). NGX201 reports a
SCRIPT_FILENAME that is wholly hard-coded or missing.

Live, nginx 1.22.1 + php-fpm 8.2: `root <prefix>/www;` with `fastcgi_param SCRIPT_FILENAME
/var/www/html$fastcgi_script_name;` (Debian's `/var/www/html` holds only its welcome
page): `/index.php` answers 404 (`FastCGI sent in stderr: "Primary script unknown"`);
with `$document_root$fastcgi_script_name`, 200.

**Symptom**: 404 "File not found." for every PHP page while static files work; nginx
logs `FastCGI sent in stderr: "Primary script unknown"`.

Bad:
```nginx
root /srv/shop/public;
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME /var/www/html$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```
Good:
```nginx
root /srv/shop/public;
location ~ \.php$ {
    include fastcgi_params;
    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
    fastcgi_pass unix:/run/php/php8.2-fpm.sock;
}
```"#,
        fix: "Build SCRIPT_FILENAME from the root: `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;` (or `$realpath_root`).",
    },
    check: Check::Server(check),
};

/// The script whose place on the disk decides: the usual front controller.
const SCRIPT: &str = "index.php";

/// For a PHP location with a hard-coded SCRIPT_FILENAME directory other than its root:
/// (the directory, the root), both without a trailing slash.
fn dirs(location: &EffectiveLocation) -> Option<(String, String)> {
    location.fastcgi_pass.as_ref()?;
    if location.alias.is_some() {
        return None;
    }
    let value = &location.inherited.param("SCRIPT_FILENAME")?.value;
    let prefix = value
        .strip_suffix("$fastcgi_script_name")?
        .trim_end_matches('/');
    if !prefix.starts_with('/') || prefix.contains('$') {
        return None;
    }
    let root = location
        .inherited
        .get("root")?
        .first()
        .trim_end_matches('/');
    if !root.starts_with('/') || root.contains('$') || root == prefix {
        return None;
    }
    Some((prefix.to_string(), root.to_string()))
}

/// The paths the rule asks the disk about (see [`Model::paths_of_interest`]).
pub fn disk_probes(server: &Server) -> Vec<PathBuf> {
    server
        .locations
        .iter()
        .filter_map(dirs)
        .flat_map(|(prefix, root)| {
            [
                PathBuf::from(format!("{prefix}/{SCRIPT}")),
                PathBuf::from(format!("{root}/{SCRIPT}")),
            ]
        })
        .collect()
}

fn check(model: &Model<'_>, _nginx: &NginxModel, server: &Server, sink: &mut Sink) {
    if model.options.disk_root.is_none() {
        return;
    }
    for location in &server.locations {
        let Some((prefix, root)) = dirs(location) else {
            continue;
        };
        // php-fpm on this machine: a pool of the tree listens where nginx sends.
        let local = model.fastcgi_targets(location).iter().any(|t| {
            matches!(
                model.verdict(&t.target),
                Verdict::Reached(_) | Verdict::Partly(_)
            )
        });
        if !local {
            continue;
        }
        let under_root = PathBuf::from(format!("{root}/{SCRIPT}"));
        let under_prefix = PathBuf::from(format!("{prefix}/{SCRIPT}"));
        let found = matches!(model.filesystem.get(&under_root), Probe::Present(f) if !f.is_dir);
        let missing = model.filesystem.missing_from_existing_dir(&under_prefix)
            || model
                .filesystem
                .missing_from_existing_dir(std::path::Path::new(&prefix));
        if !found || !missing {
            continue;
        }
        let Some(param) = location.inherited.param("SCRIPT_FILENAME") else {
            continue;
        };
        let mut d = Diagnostic::new(
            &RULE.meta,
            param.span,
            format!(
                "SCRIPT_FILENAME names scripts under {prefix}, but this location's root is {root}: {} is on the disk and {} is not, so php-fpm finds none of the scripts nginx serves",
                under_root.display(),
                under_prefix.display()
            ),
        )
        .with_label(format!("scripts are looked for in {prefix}"));
        if let Some(r) = location.inherited.get("root") {
            d = d.with_related(r.span, "the files are here");
        }
        sink.push(
            d.with_help("build it from the root: `fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;`")
                .with_note("at runtime: 404 \"File not found.\"; nginx logs `FastCGI sent in stderr: \"Primary script unknown\"`"),
        );
    }
}
