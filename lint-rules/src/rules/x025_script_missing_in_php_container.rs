use crate::rule::{Check, Rule, Sink};
use foldhash::{HashSet, HashSetExt};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};
use std::path::Path;

use crate::model::address::{NginxTarget, TargetHost};
use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X025",
        name: "script-missing-in-php-container",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "nginx sends scripts from a document root that php-fpm's container does not have",
        aliases: &[],
        doc: r#"php-fpm opens the file named by `SCRIPT_FILENAME` in its own container.
When nginx and php-fpm run in different containers, the code must be at the
same path in both: mounted (or copied) into php-fpm's container where nginx's
`root` says. A volume mounted only into nginx, or at another path in php-fpm's
container, leaves php-fpm without the script.

**Symptom**: 404 with the body `File not found.`; nginx's error log shows
`FastCGI sent in stderr: "Primary script unknown"` (unless php.ini sets
`fastcgi.logging = Off`, as the official images do: then only the 404).

Bad (`./src` is mounted into nginx only):
```yaml
web: { image: nginx, volumes: ['./src:/var/www/html'] }
php: { image: php:8.3-fpm }
```
Good:
```yaml
web: { image: nginx, volumes: ['./src:/var/www/html'] }
php: { image: php:8.3-fpm, volumes: ['./src:/var/www/html'] }
```"#,
        fix: "Mount (or COPY) the code into php-fpm's container at the path nginx's `root` names.",
    },
    check: Check::Model(check),
};

/// Whether nginx's `target` is php-fpm's container of this deployment: a socket (only a
/// volume php-fpm shares carries one across), one of the container's names, or an
/// address (nginx's loopback in a shared pod, a fixed IP). Another name, or a variable,
/// may be another container.
fn goes_to_this_fpm(network: &crate::options::Network, target: &NginxTarget) -> bool {
    match target {
        NginxTarget::Unix(_) | NginxTarget::BarePath(_) => true,
        NginxTarget::Tcp {
            host: TargetHost::Name(name),
            ..
        } => network.is_fpm_name(name),
        NginxTarget::Tcp { .. } => true,
        NginxTarget::Variable(_) => false,
    }
}

fn check(model: &Model<'_>, sink: &mut Sink) {
    let network = &model.options.network;
    let mut seen = HashSet::new();
    for (_, _, location) in model.fastcgi_locations() {
        let Some((_, pass_span)) = location.fastcgi_pass.as_deref() else {
            continue;
        };
        // Only a location that sends its scripts to this php-fpm container: a Compose
        // file of several php-fpm services pairs nginx with each in turn, and a server
        // whose `fastcgi_pass` names service `b` says nothing about what `a` mounts.
        if !model
            .fastcgi_targets(location)
            .iter()
            .any(|t| goes_to_this_fpm(network, &t.target))
        {
            continue;
        }
        // Only where SCRIPT_FILENAME is built from the document root.
        let from_root = location
            .inherited
            .param("SCRIPT_FILENAME")
            .is_some_and(|p| {
                p.value.starts_with("$document_root") || p.value.starts_with("$realpath_root")
            });
        if !from_root {
            continue;
        }
        let Some(root) = location.inherited.get("root") else {
            continue;
        };
        let docroot = root.first();
        if docroot.contains('$') || !docroot.starts_with('/') {
            continue;
        }
        if network.fpm_has(Path::new(docroot)) != Some(false) {
            continue;
        }
        if !seen.insert(root.span) {
            continue;
        }
        sink.push(
            Diagnostic::new(
                &RULE.meta,
                root.span,
                format!(
                    "php-fpm's container has nothing at {docroot}: the scripts nginx names there do not exist where php-fpm runs"
                ),
            )
            .with_label("nginx builds SCRIPT_FILENAME from this root")
            .with_related(*pass_span, "in another container")
            .with_help(format!("mount the code into php-fpm's container at {docroot} too"))
            .with_note("at runtime: 404 \"File not found.\", php-fpm logs \"Primary script unknown\""),
        );
    }
}
