use crate::rule::{Check, Rule, Sink};
use lint_source::{Diagnostic, Family, RuleMeta, Severity};

use crate::model::Model;

/// The rule.
pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "X020",
        name: "upstream-host-not-found",
        family: Family::Cross,
        severity: Severity::Error,
        summary: "`fastcgi_pass` or an upstream `server` names a host that is no service, alias or Kubernetes Service of the deployment",
        aliases: &[],
        doc: r#"nginx resolves the host names of `fastcgi_pass`, `proxy_pass` and upstream
`server` lines once, at start. Inside a deployment the names that resolve are
the Compose services (and their `container_name`, `hostname`, network
aliases and `links` aliases) or the Kubernetes Services; a typo, a container
name of a pod, or a service of another project resolves to nothing.

**Symptom**: nginx does not start: `[emerg] host not found in upstream "php"
in /etc/nginx/conf.d/default.conf:16` (the container restarts in a loop). With
a `resolver` and a variable in `fastcgi_pass` nginx starts, and each request
ends in 502 with `php could not be resolved (3: Host not found)`.

Bad (the service is called `wordpress`):
```nginx
fastcgi_pass wordpres:9000;
```
Good:
```nginx
fastcgi_pass wordpress:9000;
```"#,
        fix: "Name a service, alias or Kubernetes Service of the deployment (see `nginx-fpm-lint deployments`).",
    },
    check: Check::Model(check),
};

fn check(model: &Model<'_>, sink: &mut Sink) {
    let network = &model.options.network;
    let mut reported = foldhash::HashSet::default();
    let mut report = |name: &str, span, via: Option<&str>, sink: &mut Sink| {
        if network.resolves(name) != Some(false) || !reported.insert(span) {
            return;
        }
        // php-fpm's own service, on networks apart from nginx's: the name exists, the
        // route does not.
        if let Some((_, why)) = network
            .unreachable_names
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            sink.push(
                Diagnostic::new(
                    &RULE.meta,
                    span,
                    format!("host not found in upstream \"{name}\": `{name}` is php-fpm's service, but {why}"),
                )
                .with_label("nginx resolves this name at start")
                .with_help("put both services on one network (`networks:` in each, or none in both)")
                .with_note("nginx refuses to start: \"[emerg] host not found in upstream\""),
            );
            return;
        }
        let known: Vec<&str> = network
            .fpm_names
            .iter()
            .chain(network.other_names())
            .map(String::as_str)
            .collect();
        let mut d = Diagnostic::new(
            &RULE.meta,
            span,
            format!("host not found in upstream \"{name}\": no service, alias or Kubernetes Service of this deployment is called so"),
        )
        .with_label("nginx resolves this name at start")
        .with_note("nginx refuses to start: \"[emerg] host not found in upstream\"");
        if let Some(u) = via {
            d = d.with_label(format!("a server of upstream \"{u}\""));
        }
        let near = known
            .iter()
            .map(|k| (strsim::levenshtein(k, name), k))
            .min_by_key(|(d, _)| *d);
        match near {
            Some((dist, k)) if dist <= 3 => d = d.with_help(format!("did you mean `{k}`?")),
            _ if !network.fpm_names.is_empty() => {
                d = d.with_help(format!(
                    "php-fpm's container answers to: {}",
                    network.fpm_names.join(", ")
                ))
            }
            _ => {}
        }
        sink.push(d);
    };
    // `fastcgi_pass backend;` (no port) names an upstream block, not a host (one this view
    // may not see: written by a Dockerfile `RUN echo`, or in an unknown include).
    for (name, span, upstream) in model.backend_host_names() {
        report(name, span, upstream, sink);
    }
}
